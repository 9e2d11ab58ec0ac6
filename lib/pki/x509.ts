/**
 * @peculiar/x509 with what it needs loaded first: its dependency injection (tsyringe) requires the
 * reflect-metadata polyfill before the library is evaluated. Import x509 from here, never directly.
 * It signs and verifies with the global WebCrypto, which both browsers and Node (>= 19) provide.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

export { x509 };
