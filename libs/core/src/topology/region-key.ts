/**
 * A region as a comparable key: ARM writes `westeurope`, configuration may say `West Europe`.
 * Used wherever regions are matched (budget scopes, replica regions, ARM listings).
 */
export const regionKey = (region: string): string => region.replace(/\s+/g, '').toLowerCase();
