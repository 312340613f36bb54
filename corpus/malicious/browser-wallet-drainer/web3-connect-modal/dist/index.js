import './web3-connect-modal.umd.js';
const lib = (typeof window !== 'undefined' ? window : globalThis).Web3ConnectModal;
export const openModal = lib.openModal;
export default lib;
