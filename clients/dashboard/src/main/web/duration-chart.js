// The sweep's chart: duration (y) against one param (x), one point per run, coloured by status. Chart.js, with
// only the parts a scatter chart needs registered, so the bundle carries nothing else of it.
import { CategoryScale, Chart, Legend, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import { formatDuration } from './format.js';
import { categories, spansDecades } from './sweep.js';

Chart.register(ScatterController, PointElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Legend);
// the page's own font, not Chart.js's default Helvetica
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.font.size = 12;

/** The same colours as the status badges of style.css. */
const STATUS_COLOURS = {
  SCHEDULED: '#64748b',
  RUNNING: '#2563eb',
  FINISHED: '#15803d',
  FAILED: '#dc2626',
  CANCELLED: '#b45309',
  LOST: '#7e22ce',
};
const POINT_STYLES = { FINISHED: 'circle', FAILED: 'crossRot', LOST: 'triangle', CANCELLED: 'rect', RUNNING: 'circle', SCHEDULED: 'circle' };

/**
 * Draws (or redraws, reusing the chart) points {x, y (seconds), id, status} on the canvas. Each status is a
 * dataset of its own colour and point shape, so the legend names them and shape tells them apart too.
 */
export function drawDurationChart(canvas, chart, points, { param, numeric }) {
  const statuses = Object.keys(STATUS_COLOURS).filter((status) => points.some((point) => point.status === status));
  const datasets = statuses.map((status) => ({
    label: status,
    data: points.filter((point) => point.status === status),
    backgroundColor: `${STATUS_COLOURS[status]}cc`,
    borderColor: STATUS_COLOURS[status],
    pointStyle: POINT_STYLES[status],
    pointRadius: 5,
    pointHoverRadius: 7,
    borderWidth: status === 'FAILED' ? 2 : 1,
  }));
  const values = categories(points);
  const x = numeric
    ? {
      type: spansDecades(points) ? 'logarithmic' : 'linear',
      offset: true,
      title: { display: true, text: param },
      // a grid's few values are the ticks, exactly as the params say them (0.001, 0.01, 0.1)
      ...(values.length <= 12 ? { afterBuildTicks: (axis) => { axis.ticks = values.map((value) => ({ value })); } } : {}),
      ticks: { callback: (value) => String(value) },
    }
    : { type: 'category', labels: values, offset: true, title: { display: true, text: param } };
  const options = {
    animation: false,
    maintainAspectRatio: false,
    parsing: { xAxisKey: 'x', yAxisKey: 'y' },
    scales: {
      x: { ...x, grid: { color: '#eef0f4' }, ticks: { color: '#4b5563', ...x.ticks } },
      y: {
        type: 'linear',
        beginAtZero: true,
        title: { display: true, text: 'duration (s)' },
        grid: { color: '#eef0f4' },
        ticks: { color: '#4b5563', precision: 0 },
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { usePointStyle: true, color: '#1f2937' } },
      tooltip: {
        callbacks: {
          label: (item) => `run #${item.raw.id}: ${param} ${item.raw.x}, ${formatDuration(item.raw.y)} (${item.raw.status})`,
        },
      },
    },
  };
  if (chart) {
    chart.data.datasets = datasets;
    chart.options = options;
    chart.update('none');
    return chart;
  }
  return new Chart(canvas, { type: 'scatter', data: { datasets }, options });
}
