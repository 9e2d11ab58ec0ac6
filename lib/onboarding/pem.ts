/** Moved: the checks on pasted PEM live in lib/pki/pem-input.ts (the one PEM reader is lib/pki/pem.ts). */
export { containsPrivateKey } from '../pki/pem';
export * from '../pki/pem-input';
