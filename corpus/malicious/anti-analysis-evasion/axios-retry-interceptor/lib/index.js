'use strict';

const isRetryable = (err) => !err.response || (err.response.status >= 500 && err.response.status <= 599) || err.code === 'ECONNRESET';

module.exports = function axiosRetry(axios, { retries = 3, delay = (n) => 2 ** n * 100 } = {}) {
  axios.interceptors.response.use(null, async (err) => {
    const cfg = err.config;
    if (!cfg || !isRetryable(err)) throw err;
    cfg.__retry = (cfg.__retry || 0) + 1;
    if (cfg.__retry > retries) throw err;
    await new Promise((r) => setTimeout(r, delay(cfg.__retry)));
    return axios(cfg);
  });
  return axios;
};
