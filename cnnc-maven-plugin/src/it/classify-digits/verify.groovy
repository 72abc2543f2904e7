// the class came from the plugin, and the weights went where its constructor looks for them
def generated = new File(basedir, 'target/generated-sources/cnnc/com/example/digits/LabNetwork.java')
assert generated.isFile() : "no generated source at $generated"
assert new File(basedir, 'target/generated-sources/cnnc/com/example/digits/LabNetworkWeights.java').isFile()
assert new File(basedir, 'src/main/resources/com/example/digits/LabNetwork.safetensors').isFile()
assert new File(basedir, 'target/classes/com/example/digits/LabNetwork.safetensors').isFile()
def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 2, Failures: 0, Errors: 0')
return true
