'use strict';
function lineChart(ctx, points, { color = '#3b82f6', width = 2 } = {}) {
  if (!points.length) return;
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const W = ctx.canvas.width, H = ctx.canvas.height;
  const sx = (x) => ((x - minX) / (maxX - minX || 1)) * W;
  const sy = (y) => H - ((y - minY) / (maxY - minY || 1)) * H;
  ctx.beginPath();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  points.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
  ctx.stroke();
}
module.exports = { lineChart };
