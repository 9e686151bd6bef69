// The source survives a reload and travels in links: it is kept in the URL
// fragment (`#code=` base64url of its UTF-8) and in local storage. The URL
// wins, so a shared link opens what was shared.
const KEY = "nnc-playground-source";

export function encodeSource(source: string): string {
  const bytes = new TextEncoder().encode(source);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeSource(encoded: string): string | undefined {
  try {
    const bin = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

export function loadSource(): string | undefined {
  const fromUrl = /^#code=(.*)$/.exec(location.hash)?.[1];
  return (fromUrl !== undefined ? decodeSource(fromUrl) : undefined) ?? localStorage.getItem(KEY) ?? undefined;
}

export function saveSource(source: string): void {
  localStorage.setItem(KEY, source);
  history.replaceState(null, "", `#code=${encodeSource(source)}`);
}
