// Kanwil oversight: the radar of the chosen satker (Chart.js, vendored). Data comes from the
// page's json_script block; the table next to it says the same without JavaScript.
(function () {
  "use strict";
  var sumber = document.getElementById("data-radar");
  var kanvas = document.getElementById("grafik-radar-kanwil");
  if (!sumber || !kanvas || !window.Chart) return;
  var data = JSON.parse(sumber.textContent);
  var bahasa = document.documentElement.lang || "id";
  var angka = function (v) {
    return Number(v).toLocaleString(bahasa, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  var warna = ["#198754", "#0d6efd", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];
  var transparan = function (hex) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + ",0.15)";
  };
  new Chart(kanvas, {
    type: "radar",
    data: {
      labels: data.label.map(function (l) { return l.split(". ")[0]; }),
      datasets: data.set.map(function (s, i) {
        var w = warna[i % warna.length];
        return { label: s.nama, data: s.persen, borderColor: w, backgroundColor: transparan(w), pointBackgroundColor: w };
      }),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { r: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: {
          title: function (items) { return items.length ? data.label[items[0].dataIndex] : ""; },
          label: function (c) { return c.dataset.label + ": " + angka(c.raw) + "%"; },
        } },
      },
    },
  });
  document.documentElement.setAttribute("data-radar-siap", "1");
})();
