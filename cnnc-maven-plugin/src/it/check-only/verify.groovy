// a warning is printed with its place and does not fail the build; the network is checked
def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'src/main/cnn/lab.cnn').canonicalPath
assert log.contains("[WARNING] $file:7:1: warning: `pool 2x2` leaves out the last row and column")
assert log.contains('cnnc: checked 1 network in ')
assert log.contains('BUILD SUCCESS')
return true
