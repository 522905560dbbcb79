/**
 * NHS numbers: ten digits, the last a modulus 11 check digit. People write them with spaces
 * or hyphens (485 777 3456); they are stored as the ten digits.
 */

/** The ten digits if the text is an NHS number whose check digit is right; otherwise null. */
export function normaliseNhsNumber(text: string): string | null {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  return hasValidCheckDigit(digits) ? digits : null;
}

export function hasValidCheckDigit(digits: string): boolean {
  let total = 0;
  for (let i = 0; i < 9; i++) total += Number(digits[i]) * (10 - i);
  const check = 11 - (total % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** 485 777 3456: the way the NHS prints it. */
export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
