// Print the report's print page to PDF in Debian's headless Chromium (no browser is downloaded).
//
//   node scripts/print_pdf.mjs PRINT.html OUT.pdf "Report title"
//
// Called by ai_culture_report/pdf.py. Scripts are off (the charts print as their static SVG), every
// request that is not a local file is refused, pages are A4 with "page n of N" in the footer, and the
// headings become the PDF's outline.

import { pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const [input, output, title] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node scripts/print_pdf.mjs PRINT.html OUT.pdf [TITLE]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const refused = [];
  page.on("request", (request) => {
    if (!request.url().startsWith("file:") && !request.url().startsWith("data:")) refused.push(request.url());
  });
  await page.route(/^https?:/, (route) => route.abort());
  await page.goto(pathToFileURL(input).href, { waitUntil: "load" });
  await page.emulateMedia({ media: "print" });
  const escaped = (title || "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  await page.pdf({
    path: output,
    format: "A4",
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: "<span></span>",
    footerTemplate:
      `<div style="font-size:8px;width:100%;padding:0 16mm;display:flex;justify-content:space-between;color:#444">` +
      `<span>${escaped}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    margin: { top: "16mm", bottom: "18mm", left: "16mm", right: "16mm" },
    outline: true,
    tagged: true,
  });
  if (refused.length) console.error(`refused ${refused.length} network request(s): ${refused.slice(0, 3).join(", ")}`);
} finally {
  await browser.close();
}
