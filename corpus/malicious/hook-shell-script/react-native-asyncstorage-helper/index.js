'use strict';
const AsyncStorage = require('@react-native-async-storage/async-storage').default;

async function getJSON(key, fallback) {
  const raw = await AsyncStorage.getItem(key);
  if (raw == null) return fallback;
  try { return JSON.parse(raw); } catch (e) { return fallback; }
}

async function setJSON(key, value) {
  return AsyncStorage.setItem(key, JSON.stringify(value));
}

async function merge(key, patch) {
  const cur = await getJSON(key, {});
  return setJSON(key, Object.assign({}, cur, patch));
}

module.exports = { getJSON, setJSON, merge };
