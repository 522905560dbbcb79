import { generateSecret, generateURI, verify } from 'otplib';

export const newTotpSecret = () => generateSecret();

export function totpUri(secret: string, accountName: string): string {
  return generateURI({ issuer: 'Prevent Assure', label: accountName, secret });
}

/**
 * Checks a 6-digit code, allowing one 30-second step of clock drift either way.
 * Returns the time step it matched, so that the caller can refuse the same code twice.
 */
export async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  const cleaned = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(cleaned)) return null;
  const result = await verify({ secret, token: cleaned, epochTolerance: 30 });
  if (!result.valid || !('timeStep' in result)) return null;
  // The library's own step: one computed here from the clock could land in the next step than the library used.
  if (lastStep !== null && result.timeStep <= lastStep) return null;
  return result.timeStep;
}
