/** A multipart/form-data body as a browser sends it. */
export function multipartForm(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
) {
  const boundary = '----pathfinder-test';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const chunks = parts.map((p) => Buffer.from(p));
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

type Answer = { statusCode: number; body: string; headers: Record<string, unknown> };

/**
 * Follows an upload form's answer to where its queued import ends, as the job's page would: the
 * redirect to the import's report, or the form showing why the file stored nothing. Anything but a
 * redirect to a job (a form that could not be read) is answered as it is.
 */
export async function followUpload(client: { inject(url: string): Promise<Answer> }, sent: Answer) {
  const job = String(sent.headers.location ?? '');
  if (sent.statusCode !== 303 || !job.startsWith('/spend-import-jobs/')) return sent;
  for (;;) {
    const now = await client.inject(job);
    if (!(now.statusCode === 200 && now.body.includes('data-import-job'))) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
