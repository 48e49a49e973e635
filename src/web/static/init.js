import { initAll } from '/govuk/govuk-frontend.min.js';

initAll();

// Printing shows every collapsed section, where the browser cannot open them by CSS alone.
window.addEventListener('beforeprint', () => {
  for (const details of document.querySelectorAll('details:not([open])')) {
    details.dataset.printOpened = 'true';
    details.open = true;
  }
});
window.addEventListener('afterprint', () => {
  for (const details of document.querySelectorAll('details[data-print-opened]')) {
    delete details.dataset.printOpened;
    details.open = false;
  }
});

// An import under way: its figures change in place, and the page moves on when it ends. Without
// JavaScript the page reloads itself instead.
const job = document.querySelector('[data-import-job]');
if (job) {
  const stage = job.querySelector('[data-job-stage]');
  const follow = async () => {
    const res = await fetch(`/api/v1/spend-import-jobs/${job.dataset.importJob}`, {
      headers: { accept: 'application/json' },
    });
    if (!res.ok) return window.location.reload();
    const status = await res.json();
    if (status.state === 'done')
      return window.location.assign(`/spend-imports/${status.importId}?done=imported`);
    if (status.state === 'failed') return window.location.reload();
    for (const [name, value] of Object.entries(status.progress ?? {})) {
      const cell = job.querySelector(`[data-job-count="${name}"]`);
      if (cell) cell.textContent = Number(value).toLocaleString('en-GB');
    }
    const said =
      status.state === 'queued'
        ? 'Waiting for the import ahead of it to finish.'
        : status.progress?.stage === 'analysing'
          ? 'File read: working out suppliers, categories and totals.'
          : 'Reading the file.';
    if (stage.textContent !== said) stage.textContent = said;
    setTimeout(follow, 700);
  };
  setTimeout(follow, 700);
}
