/** AWS's REST-JSON wire format carries timestamps as epoch seconds (JSON numbers). */
export const epochSeconds = (ms: number) => ms / 1000;
