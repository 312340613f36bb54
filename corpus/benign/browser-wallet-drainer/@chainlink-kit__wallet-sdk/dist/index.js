export class WalletError extends Error {
  constructor(message, code) { super(message); this.code = code; }
}

function provider() {
  const p = typeof window !== 'undefined' ? window.ethereum : undefined;
  if (!p) throw new WalletError('No EIP-1193 provider found. Install a browser wallet.', 'NO_PROVIDER');
  return p;
}

export async function connect() {
  const accounts = await provider().request({ method: 'eth_requestAccounts' });
  return accounts[0];
}

export async function getChainId() {
  return parseInt(await provider().request({ method: 'eth_chainId' }), 16);
}

export async function switchChain(chainId) {
  try {
    await provider().request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x' + chainId.toString(16) }] });
  } catch (e) {
    if (e.code === 4902) throw new WalletError('Chain not added to wallet', 'UNKNOWN_CHAIN');
    throw e;
  }
}

export function isAddress(a) {
  return /^0x[0-9a-fA-F]{40}$/.test(a);
}

export async function sendTransaction({ from, to, valueWei, data }) {
  if (!isAddress(to)) throw new WalletError('Invalid recipient address', 'BAD_ADDRESS');
  const tx = { from, to, value: '0x' + BigInt(valueWei || 0).toString(16) };
  if (data) tx.data = data;
  return provider().request({ method: 'eth_sendTransaction', params: [tx] });
}

export async function signMessage(address, message) {
  const hex = '0x' + Array.from(new TextEncoder().encode(message), (b) => b.toString(16).padStart(2, '0')).join('');
  return provider().request({ method: 'personal_sign', params: [hex, address] });
}

export function onAccountsChanged(cb) {
  const p = provider();
  p.on('accountsChanged', cb);
  return () => p.removeListener('accountsChanged', cb);
}
