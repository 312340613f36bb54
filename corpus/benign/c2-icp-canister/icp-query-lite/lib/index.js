// Fetches data served by a canister's http_request method. The canister id
// and path are given by the caller; the result is parsed as JSON and returned.
const CANISTER_ID = /^[a-z0-9]{5}(-[a-z0-9]{5}){3}-cai$/;

export function canisterUrl(canisterId, path = '/', { raw = false, gateway = 'icp0.example' } = {}) {
  if (!CANISTER_ID.test(canisterId)) throw new TypeError(`invalid canister id: ${canisterId}`);
  return `https://${canisterId}.${raw ? 'raw.' : ''}${gateway}${path.startsWith('/') ? path : '/' + path}`;
}

export async function queryJson(canisterId, path, opts = {}) {
  const res = await fetch(canisterUrl(canisterId, path, opts), { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`canister ${canisterId} answered ${res.status}`);
  const type = res.headers.get('content-type') || '';
  if (!type.includes('json')) throw new Error(`expected JSON from ${canisterId}, got ${type}`);
  return res.json();
}
