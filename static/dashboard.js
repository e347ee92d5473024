// Kết Nối: the dashboard's charts (Chart.js, vendored), drawn from the
// numbers the page carries; the same numbers are in a table beside each.
(function () {
  'use strict';
  if (typeof window.Chart !== 'function') return;
  var numbers = new Intl.NumberFormat(document.documentElement.lang || 'vi');
  document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
    var d;
    try { d = JSON.parse(canvas.getAttribute('data-chart')); } catch (e) { return; }
    new window.Chart(canvas, {
      type: 'bar',
      data: { labels: d.labels, datasets: [{ label: d.label, data: d.values, backgroundColor: '#b3261e' }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return numbers.format(c.parsed.y); } } } },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return numbers.format(v); } } } }
      }
    });
  });
})();
