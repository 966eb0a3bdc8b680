/** Distances and bearings on the WGS-84 sphere approximation, enough for report distances and corners. */
/** Mean earth radius (m); the area geometry projects with the same sphere. */
export const R_EARTH = 6371008.8;
export const RAD = Math.PI / 180;

export function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R_EARTH * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Smallest angle between two courses, 0..180 degrees. */
export function courseChange(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}
