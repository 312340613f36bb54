module.exports = { rulesDir: require('path').join(__dirname, 'rules') };
