/* Evidence uploads: drag-and-drop or pick files, one XHR per file with a progress bar.
 * The body is the raw file (streamed to disk by the server), the name travels in the
 * X-Nama-Berkas header. The server answers with the soal's card (HTML), success or not. */
(function () {
  "use strict";

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  }

  function baris(daftar, nama) {
    var el = document.createElement("div");
    el.className = "small mt-1";
    el.innerHTML = '<div class="text-truncate"></div>' +
      '<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">' +
      '<div class="progress-bar bg-success"></div></div>';
    el.firstChild.textContent = nama;
    el.querySelector(".progress-bar").style.width = "0%";
    daftar.appendChild(el);
    return el;
  }

  function kirim(url, berkas, el) {
    return new Promise(function (selesai) {
      var xhr = new XMLHttpRequest();
      var bar = el.querySelector(".progress-bar");
      var progress = el.querySelector(".progress");
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", csrf());
      xhr.setRequestHeader("X-Nama-Berkas", encodeURIComponent(berkas.name));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        var p = Math.round((e.loaded / e.total) * 100);
        bar.style.width = p + "%";
        progress.setAttribute("aria-valuenow", p);
      };
      xhr.onload = function () {
        // An expired session answers with the login page (after a redirect): not a success.
        if (xhr.responseURL && xhr.responseURL.indexOf("/masuk/") !== -1) {
          selesai({ ok: false, status: 401, html: "", pesan: "Sesi Anda sudah berakhir. Muat ulang halaman lalu masuk lagi." });
          return;
        }
        // The server puts its one-sentence answer in X-Pesan (the card itself carries none).
        var pesan = xhr.getResponseHeader("X-Pesan");
        selesai({ ok: xhr.status < 300, status: xhr.status, html: xhr.responseText,
                  pesan: pesan ? decodeURIComponent(pesan) : "" });
      };
      xhr.onerror = function () { selesai({ ok: false, status: 0, html: "" }); };
      xhr.send(berkas);
    });
  }

  function pesanDari(html, ok) {
    // DOMParser documents are inert: nothing in the response runs while it is read.
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var a = doc.querySelector(ok ? ".alert-success" : ".alert-danger");
    return a ? a.textContent.trim() : (ok ? "OK" : "Gagal mengunggah. Periksa koneksi lalu coba lagi.");
  }

  async function unggah(zona, files) {
    var url = zona.dataset.url;
    var idKartu = zona.dataset.kartu;
    var maks = parseInt(zona.dataset.maksMb || "0", 10) * 1024 * 1024;
    var daftar = zona.querySelector(".daftar-unggah");
    var hasil = [];
    var htmlTerakhir = null;
    for (var i = 0; i < files.length; i++) {
      var f = files[i];
      var el = baris(daftar, f.name);
      if (maks && f.size > maks) {
        hasil.push({ nama: f.name, ok: false, pesan: "Berkas terlalu besar. Batas ukuran adalah " + zona.dataset.maksMb + " MB." });
        el.remove();
        continue;
      }
      var r = await kirim(url, f, el);
      if (r.html && [200, 400, 409, 422].indexOf(r.status) !== -1) htmlTerakhir = r.html;
      hasil.push({ nama: f.name, ok: r.ok, pesan: r.pesan || pesanDari(r.html, r.ok) });
      el.remove();
    }
    var kartu = document.getElementById(idKartu);
    if (htmlTerakhir && kartu) {
      kartu.outerHTML = htmlTerakhir;
      kartu = document.getElementById(idKartu);
      if (window.htmx) window.htmx.process(kartu);
    }
    var tujuan = kartu ? kartu.querySelector(".zona-unggah:not(.zona-kecil) .daftar-unggah") : daftar;
    if (!tujuan && kartu) tujuan = kartu.querySelector("[data-unggah-terkunci]") || kartu;
    if (!tujuan) tujuan = daftar;
    hasil.forEach(function (h) {
      var d = document.createElement("div");
      d.className = "small mt-1 " + (h.ok ? "text-success" : "text-danger");
      d.setAttribute("role", h.ok ? "status" : "alert");
      d.setAttribute("data-hasil-unggah", h.ok ? "ok" : "tolak");
      d.textContent = h.nama + ": " + h.pesan;
      tujuan.appendChild(d);
    });
  }

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('.zona-unggah input[type="file"]')) return;
    var zona = input.closest(".zona-unggah");
    var files = Array.prototype.slice.call(input.files);
    input.value = "";
    if (files.length) unggah(zona, files);
  });

  ["dragenter", "dragover"].forEach(function (jenis) {
    document.addEventListener(jenis, function (e) {
      var zona = e.target.closest && e.target.closest(".zona-unggah:not(.zona-kecil)");
      if (!zona) return;
      e.preventDefault();
      zona.classList.add("sedang-diseret");
    });
  });
  document.addEventListener("dragleave", function (e) {
    var zona = e.target.closest && e.target.closest(".zona-unggah");
    if (zona) zona.classList.remove("sedang-diseret");
  });
  document.addEventListener("drop", function (e) {
    var zona = e.target.closest && e.target.closest(".zona-unggah:not(.zona-kecil)");
    if (!zona) return;
    e.preventDefault();
    zona.classList.remove("sedang-diseret");
    var files = Array.prototype.slice.call(e.dataTransfer.files || []);
    if (files.length) unggah(zona, files);
  });
})();
