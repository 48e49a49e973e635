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
