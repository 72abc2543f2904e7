// the error names the file, line and column, as javac's do, so that IDEs and CI mark it
def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/cnn/com/example/broken.cnn').canonicalPath
assert log.contains("[ERROR] $file:4:1: error: ") : "no file:line:col error in the log"
assert log.contains('flatten')
assert log.contains('1 error and 0 warnings in .cnn files')
assert !new File(basedir, 'target/classes').exists() : 'the build should stop before compiling'
return true
