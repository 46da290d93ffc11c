// One floating tooltip for the page. Text only (textContent): reasons and details come from user code and files.

export interface TooltipLine {
  text: string;
  emphasis?: boolean;
  color?: string;
}

let tooltipEl: HTMLDivElement | null = null;

function tooltipElement(): HTMLDivElement {
  if (!tooltipEl) {
    tooltipEl = document.createElement('div');
    tooltipEl.className = 'tooltip';
    tooltipEl.setAttribute('role', 'tooltip');
    tooltipEl.hidden = true;
    document.body.appendChild(tooltipEl);
  }
  return tooltipEl;
}

export function showTooltip(lines: readonly TooltipLine[], clientX: number, clientY: number): void {
  const el = tooltipElement();
  el.replaceChildren(
    ...lines.map((line) => {
      const div = document.createElement('div');
      div.textContent = line.text;
      if (line.emphasis) div.className = 'tooltip-title';
      if (line.color) div.style.borderLeft = `4px solid ${line.color}`;
      return div;
    }),
  );
  el.hidden = false;
  // Keep it on screen: flip to the left/top of the pointer near the right/bottom edge.
  const pad = 14;
  const { width, height } = el.getBoundingClientRect();
  const left = clientX + pad + width > window.innerWidth ? clientX - pad - width : clientX + pad;
  const top = clientY + pad + height > window.innerHeight ? clientY - pad - height : clientY + pad;
  el.style.left = `${Math.max(0, left)}px`;
  el.style.top = `${Math.max(0, top)}px`;
}

export function hideTooltip(): void {
  if (tooltipEl) tooltipEl.hidden = true;
}
