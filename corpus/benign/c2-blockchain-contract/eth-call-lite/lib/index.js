// Minimal JSON-RPC client for read-only contract calls.
// The RPC URL is always supplied by the caller; this module has no default endpoint.

let id = 0;

export async function rpc(url, method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
  });
  if (!res.ok) throw new Error(`RPC HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`RPC error ${body.error.code}: ${body.error.message}`);
  return body.result;
}

export const pad32 = (hex) => hex.replace(/^0x/, '').padStart(64, '0');

export function encodeAddress(addr) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) throw new TypeError('bad address');
  return pad32(addr.toLowerCase());
}

export function decodeUint(hex) {
  return BigInt('0x' + (hex.replace(/^0x/, '') || '0'));
}

export function decodeString(hex) {
  const h = hex.replace(/^0x/, '');
  const off = Number(BigInt('0x' + h.slice(0, 64))) * 2;
  const len = Number(BigInt('0x' + h.slice(off, off + 64))) * 2;
  return new TextDecoder().decode(Uint8Array.from(h.slice(off + 64, off + 64 + len).match(/../g) || [], (b) => parseInt(b, 16)));
}

// ERC-20 helpers (selectors are the first 4 bytes of keccak256 of the signature)
const SEL = { name: '0x06fdde03', symbol: '0x95d89b41', decimals: '0x313ce567', balanceOf: '0x70a08231' };

export async function erc20(url, token, holder) {
  const call = (data) => rpc(url, 'eth_call', [{ to: token, data }, 'latest']);
  const [name, symbol, decimals] = await Promise.all([call(SEL.name), call(SEL.symbol), call(SEL.decimals)]);
  const out = { name: decodeString(name), symbol: decodeString(symbol), decimals: Number(decodeUint(decimals)) };
  if (holder) out.balance = decodeUint(await call(SEL.balanceOf + encodeAddress(holder)));
  return out;
}
