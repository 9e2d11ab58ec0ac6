/**
 * Throwaway credentials for local mode. The launcher hands them to the dashboard's SDK and the emulator
 * accepts them for SigV4-signed MQTT over WebSocket, so the dashboard's AWS code path runs locally too.
 * They open nothing on AWS; a developer's real keys or profile are never used locally.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'AKIALOCALEMULATOR000',
  secretAccessKey: 'local-emulator-secret-not-a-real-key',
} as const;
