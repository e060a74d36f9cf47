// Dashboard charts (Chart.js, vendored). Data comes from the page's json_script block.
(function () {
  "use strict";
  var sumber = document.getElementById("data-grafik");
  if (!sumber || !window.Chart) return;
  var data = JSON.parse(sumber.textContent);
  var bahasa = document.documentElement.lang || "id";
  var angka = function (v) {
    return Number(v).toLocaleString(bahasa, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  var warnaGaris = ["#dc3545", "#6f42c1"];
  var pendek = data.area.label.map(function (l) { return l.length > 28 ? l.slice(0, 27) + "…" : l; });

  var area = document.getElementById("grafik-area");
  if (area) {
    var set = [{
      type: "bar", label: "%", data: data.area.persen, backgroundColor: "#198754",
    }];
    data.area.garis.forEach(function (g, i) {
      set.push({
        type: "line", label: g.predikat + " " + angka(g.persen) + "%",
        data: data.area.label.map(function () { return g.persen; }),
        borderColor: warnaGaris[i % 2], borderDash: [6, 4], pointRadius: 0, fill: false,
      });
    });
    new Chart(area, {
      data: { labels: pendek, datasets: set },
      options: {
        maintainAspectRatio: false, animation: false, indexAxis: "x",
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { tooltip: { callbacks: { label: function (c) {
          return c.dataset.type === "bar"
            ? angka(c.raw) + "% (" + angka(data.area.nilai[c.dataIndex]) + ")"
            : c.dataset.label;
        } } } },
      },
    });
  }
  var radar = document.getElementById("grafik-radar");
  if (radar) {
    var sets = [{ label: "%", data: data.area.persen, backgroundColor: "rgba(25,135,84,.25)", borderColor: "#198754" }];
    data.area.garis.forEach(function (g, i) {
      sets.push({
        label: g.predikat, data: data.area.label.map(function () { return g.persen; }),
        borderColor: warnaGaris[i % 2], borderDash: [6, 4], pointRadius: 0, fill: false,
      });
    });
    new Chart(radar, {
      type: "radar",
      data: { labels: data.area.label.map(function (l) { return l.split(". ")[0]; }), datasets: sets },
      options: { maintainAspectRatio: false, animation: false, scales: { r: { min: 0, max: 100 } } },
    });
  }
  var riwayat = document.getElementById("grafik-riwayat");
  if (riwayat) {
    new Chart(riwayat, {
      type: "line",
      data: { labels: data.riwayat.label, datasets: [{ label: "Total", data: data.riwayat.total, borderColor: "#198754" }] },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } },
    });
  }
  document.documentElement.setAttribute("data-grafik-siap", "1");
})();
