/**
 * Where a position is relative to an area: inside or not, and how far the nearest boundary is (metres; negative
 * inside). Circles use the same great-circle distance as the report schedule; rectangles and polygons are
 * projected onto a local plane around the position (equirectangular, good to well under 1 % over the tens of
 * kilometres a geofence spans), where containment is a ray cast and the distance is to the nearest edge.
 */
import { distanceM, R_EARTH, RAD } from "../gnss/geo";
import type { Area, LatLon } from "../config/area";

interface Xy {
  x: number;
  y: number;
}

function project(p: LatLon, origin: LatLon, kx: number): Xy {
  return { x: (p.lon - origin.lon) * kx, y: (p.lat - origin.lat) * RAD * R_EARTH };
}

function ring(a: Area): LatLon[] {
  if (a.type === 3) return a.points;
  if (a.type === 2) {
    return [a.nw, { lat: a.nw.lat, lon: a.se.lon }, a.se, { lat: a.se.lat, lon: a.nw.lon }];
  }
  return [];
}

/** Distance from the origin (0,0) to segment ab. */
function segmentDistance(a: Xy, b: Xy): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(a.x * dx + a.y * dy) / len2));
  const px = a.x + t * dx;
  const py = a.y + t * dy;
  return Math.sqrt(px * px + py * py);
}

/** Signed distance (m) from `p` to the area's boundary: negative inside, positive outside. */
export function boundaryDistance(a: Area, p: LatLon): number {
  if (a.type === 1) return distanceM(a.center.lat, a.center.lon, p.lat, p.lon) - a.radiusM;
  const kx = RAD * R_EARTH * Math.cos(p.lat * RAD);
  const pts = ring(a).map((q) => project(q, p, kx));
  let inside = false;
  let nearest = Infinity;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a1 = pts[i];
    const b1 = pts[j];
    // ray along +x from the origin: count the edges it crosses
    if (a1.y > 0 !== b1.y > 0 && 0 < ((b1.x - a1.x) * (0 - a1.y)) / (b1.y - a1.y) + a1.x) inside = !inside;
    nearest = Math.min(nearest, segmentDistance(a1, b1));
  }
  return inside ? -nearest : nearest;
}

export function contains(a: Area, p: LatLon): boolean {
  return boundaryDistance(a, p) <= 0;
}

/**
 * How far along a straight course (degrees true) from `p` the first boundary crossing lies, metres; Infinity when
 * the course leads to none (moving away from the area, or passing it by).
 */
export function crossingAhead(a: Area, p: LatLon, courseDeg: number): number {
  const dx = Math.sin(courseDeg * RAD);
  const dy = Math.cos(courseDeg * RAD);
  const kx = RAD * R_EARTH * Math.cos(p.lat * RAD);
  if (a.type === 1) {
    const c = project(a.center, p, kx);
    const along = c.x * dx + c.y * dy;
    const disc = along * along - (c.x * c.x + c.y * c.y - a.radiusM * a.radiusM);
    if (disc < 0) return Infinity;
    const root = Math.sqrt(disc);
    const near = along - root;
    const far = along + root;
    return near > 0 ? near : far > 0 ? far : Infinity;
  }
  const pts = ring(a).map((q) => project(q, p, kx));
  let best = Infinity;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    // ray o + t·d against segment a + s·(b - a): solve with 2-D cross products
    const ax = pts[j].x;
    const ay = pts[j].y;
    const ex = pts[i].x - ax;
    const ey = pts[i].y - ay;
    const den = dx * ey - dy * ex;
    if (Math.abs(den) < 1e-12) continue;
    const t = (ax * ey - ay * ex) / den;
    const s = (ax * dy - ay * dx) / den;
    if (t > 0 && s >= 0 && s <= 1) best = Math.min(best, t);
  }
  return best;
}
