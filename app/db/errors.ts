/** Prisma's error for a unique constraint that refused a write (both profiles, with or without a driver adapter). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
