import { hash, verify } from '@node-rs/argon2';

/**
 * NCSC guidance: a minimum length and a deny-list of common and guessable passwords,
 * no composition rules and no forced expiry.
 */
export const minimumPasswordLength = 12;
export const maximumPasswordLength = 256;

const commonPasswords = new Set(
  `123456789012 1234567890123 password1234 password12345 passwordpassword qwertyuiop12 qwertyuiopas
  iloveyou1234 123123123123 111111111111 000000000000 abcdefghijkl abc123abc123 letmeinplease
  welcome12345 welcome123456 changeme1234 administrator adminadmin123 trustno1trustno1 football1234
  baseball1234 sunshine1234 princess1234 monkey123456 dragon123456 master123456 superman1234
  batman123456 starwars1234 whatever1234 qazwsxedcrfv 1q2w3e4r5t6y zaq12wsxcde3 asdfghjkl123
  nhspassword1 nhspassword123 password2024 password2025 password2026 summer202526 winter202526
  spring202526 autumn202526 preventassure preventassure1 prevent12345 safeguarding safeguarding1
  safeguarding123 correcthorsebatterystaple`
    .split(/\s+/)
    .filter(Boolean),
);

export function passwordProblem(password: string, personal: readonly string[] = []): string | undefined {
  if (password.length < minimumPasswordLength) {
    return `Password must be at least ${minimumPasswordLength} characters long`;
  }
  if (password.length > maximumPasswordLength) return `Password must be ${maximumPasswordLength} characters or fewer`;
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower) || /^(.)\1+$/.test(password) || /^(0123456789|1234567890)+/.test(lower)) {
    return 'This password is too common. Choose another: three random words together work well';
  }
  for (const word of personal) {
    if (word.length >= 4 && lower.includes(word.toLowerCase())) {
      return 'Password must not contain your name or e-mail address';
    }
  }
  return undefined;
}

export const hashPassword = (password: string) => hash(password);

export async function passwordMatches(passwordHash: string | null, password: string): Promise<boolean> {
  // Hash even when there is no account, so that timing does not tell whether an e-mail is registered.
  const target = passwordHash ?? decoyHash;
  const ok = await verify(target, password).catch(() => false);
  return ok && passwordHash !== null;
}

const decoyHash = await hash('decoy password that never matches anything');
