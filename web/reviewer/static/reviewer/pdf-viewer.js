// Renders each PDF attachment of the scoring page in the page with the vendored pdf.js (no
// download, no browser plug-in). Each page becomes a canvas as wide as the column.
const script = document.getElementById("pdf-viewer-script");
const viewers = document.querySelectorAll(".pdf-viewer[data-pdf-url]");
if (viewers.length) {
  const pdfjs = await import(script.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = script.dataset.worker;
  for (const viewer of viewers) {
    try {
      const pdf = await pdfjs.getDocument({
        url: viewer.dataset.pdfUrl,
        cMapUrl: script.dataset.cmaps,
        cMapPacked: true,
        standardFontDataUrl: script.dataset.fonts,
      }).promise;
      viewer.querySelector(".pdf-loading")?.remove();
      const width = Math.max(viewer.clientWidth, 280);
      for (let n = 1; n <= pdf.numPages; n++) {
        const page = await pdf.getPage(n);
        const base = page.getViewport({ scale: 1 });
        const scale = width / base.width;
        const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
        const canvas = document.createElement("canvas");
        canvas.width = viewport.width;
        canvas.height = viewport.height;
        canvas.style.width = "100%";
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", `${viewer.getAttribute("aria-label")} · ${n}/${pdf.numPages}`);
        canvas.className = "border mb-2 d-block";
        viewer.appendChild(canvas);
        await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
        viewer.dataset.pagesRendered = String(n);
      }
    } catch (error) {
      const note = viewer.querySelector(".pdf-loading");
      if (note) { note.textContent = viewer.dataset.failed || "PDF?"; }
      viewer.dataset.pagesRendered = "error";
    }
  }
}
