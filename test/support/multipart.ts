/** A multipart/form-data body as a browser sends it: text fields and files (name, type, bytes). */
export type MultipartPart = string | Buffer | { name: string; type: string; data: Buffer };

export function multipartBody(fields: Record<string, MultipartPart>) {
  const boundary = '----alongside' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    const file = typeof v === 'object' && !Buffer.isBuffer(v) ? v : undefined;
    const head = file
      ? `Content-Disposition: form-data; name="${k}"; filename="${file.name}"\r\nContent-Type: ${file.type}`
      : `Content-Disposition: form-data; name="${k}"`;
    parts.push(Buffer.from(`--${boundary}\r\n${head}\r\n\r\n`), file ? file.data : Buffer.from(v as string | Buffer));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
