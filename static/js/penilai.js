/* Assessor fast review (templates/penilaian/penilai/soal.html): autosave and keyboard.
 *
 * The form works without this file (Simpan posts and redirects). With it, every change is
 * saved in the background: an option at once, typing after a short pause, each as a POST
 * that asks for JSON. The form's hidden "versi" follows the server, so two tabs never
 * overwrite each other silently: a stale version gets 409, autosave stops, the typed text
 * stays where it is, and the message says what to do (Simpan then overwrites knowingly).
 *
 * Keys (outside text fields): J / → next soal, K / ← previous, 1–5 the n-th option, A–E
 * (Y/T for Ya/Tidak) the option with that code, 0 no answer, U copy the unit's answer,
 * N write the note; Esc leaves the note box.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-penilai-form]");
  var tautanSesudah = document.querySelector("[data-soal-sesudah]");
  var tautanSebelum = document.querySelector("[data-soal-sebelum]");
  var status = form ? form.querySelector("[data-status-simpan]") : null;
  var JEDA = 800;
  var timer = null;
  var berjalan = null; // the save in flight (a Promise)
  var kotor = false; // changes not yet sent
  var henti = false; // autosave stopped (conflict, locked)

  function teks(nama) {
    // Sentences come translated from the page (data-teks-*), never written here.
    return form ? form.getAttribute("data-teks-" + nama) || "" : "";
  }

  function tulisStatus(isi, jenis) {
    if (!status) return;
    status.textContent = isi;
    status.className = "small " + (jenis === "galat" ? "text-danger" : jenis === "ok" ? "text-success" : "text-body-secondary");
    status.setAttribute("data-keadaan", jenis || "");
  }

  function tampilkanPesan(isi, tersimpan) {
    var lama = form.querySelector("[data-bentrok-js]");
    if (lama) lama.remove();
    var el = document.createElement("div");
    el.className = "alert alert-warning small py-2";
    el.setAttribute("role", "alert");
    el.setAttribute("data-bentrok-js", "");
    el.textContent = isi;
    if (tersimpan) {
      var isi = document.createElement("div");
      isi.className = "mt-1 border-top pt-1 soal-teks";
      isi.textContent = (tersimpan.pilihan || tersimpan.angka || "—") + (tersimpan.catatan ? "\n" + tersimpan.catatan : "");
      el.appendChild(isi);
    }
    form.insertBefore(el, form.firstChild);
  }

  function simpan() {
    if (!form || henti) return Promise.resolve(false);
    if (berjalan) {
      // One save at a time; the next one starts after it with the latest values.
      return berjalan.then(function () { return kotor ? simpan() : true; });
    }
    clearTimeout(timer);
    kotor = false;
    tulisStatus(teks("menyimpan"), "");
    var data = new FormData(form);
    data.delete("lanjut");
    berjalan = fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
    }).then(function (r) {
      if (r.redirected && r.url.indexOf("/masuk/") !== -1) {
        henti = true;
        tulisStatus(teks("sesi"), "galat");
        return false;
      }
      return r.json().then(function (j) {
        if (r.ok && j.ok) {
          form.querySelector("input[name=versi]").value = j.versi;
          // "Saved" only when nothing was typed meanwhile (that goes out with the next save).
          if (kotor) tulisStatus(teks("belum"), "");
          else tulisStatus(j.pesan, "ok");
          var jp = document.querySelector("[data-jawaban-penilai]");
          if (jp && j.jawaban) jp.textContent = j.jawaban;
          var np = document.querySelector("[data-nilai-penilai]");
          if (np && j.total) np.textContent = j.total;
          var pr = document.querySelector("[data-progres]");
          if (pr && j.dinilai) pr.textContent = j.dinilai;
          return true;
        }
        if (r.status === 409) {
          // Someone else saved first: keep the text, take their version number so that a
          // deliberate Simpan overwrites, and stop saving in the background.
          henti = true;
          form.querySelector("input[name=versi]").value = j.versi;
          tampilkanPesan(j.pesan, j.tersimpan);
          tulisStatus(j.pesan, "galat");
          return false;
        }
        if (r.status === 403) henti = true;
        tulisStatus(j.pesan || teks("gagal"), "galat");
        return false;
      });
    }).catch(function () {
      kotor = true;
      tulisStatus(teks("koneksi"), "galat");
      return false;
    }).then(function (hasil) {
      berjalan = null;
      return hasil;
    });
    return berjalan;
  }

  function tunda() {
    kotor = true;
    if (henti) return;
    tulisStatus(teks("belum"), "");
    clearTimeout(timer);
    timer = setTimeout(simpan, JEDA);
  }

  if (form) {
    form.addEventListener("input", function (e) {
      if (e.target.matches("textarea, input[type=text], input[type=number]")) tunda();
    });
    form.addEventListener("change", function (e) {
      if (e.target.matches("input[type=radio]")) { kotor = true; simpan(); }
    });
    form.addEventListener("submit", function () {
      // A deliberate save: the normal POST (no JSON) goes through, and leaving is fine.
      clearTimeout(timer);
      kotor = false;
    });
    window.addEventListener("beforeunload", function (e) {
      if (kotor || berjalan) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  function pergi(tautan) {
    if (!tautan) return;
    var url = tautan.getAttribute("href");
    if (!form || (!kotor && !berjalan)) { window.location.href = url; return; }
    simpan().then(function (ok) { if (ok !== false && !kotor) window.location.href = url; });
  }

  function pilih(radio) {
    if (!radio || radio.checked) return;
    radio.checked = true;
    radio.focus();
    kotor = true;
    simpan();
  }

  function salinUnit() {
    if (!form) return;
    var pilihan = form.getAttribute("data-unit-pilihan");
    if (pilihan) {
      pilih(form.querySelector('input[name=pilihan][value="' + CSS.escape(pilihan) + '"]'));
      return;
    }
    var berubah = false;
    var angka = form.querySelector("[data-angka]");
    if (angka && form.getAttribute("data-unit-angka")) {
      angka.value = form.getAttribute("data-unit-angka");
      berubah = true;
    }
    form.querySelectorAll("[data-masukan] input[data-unit]").forEach(function (el) {
      if (el.getAttribute("data-unit") !== "") { el.value = el.getAttribute("data-unit"); berubah = true; }
    });
    if (berubah) { kotor = true; simpan(); }
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var ketik = t && (t.matches("textarea, select, input[type=text], input[type=number]") || t.isContentEditable);
    if (ketik) {
      if (e.key === "Escape") t.blur();
      return;
    }
    var k = e.key;
    if (k === "j" || k === "J" || k === "ArrowRight") { e.preventDefault(); pergi(tautanSesudah); return; }
    if (k === "k" || k === "K" || k === "ArrowLeft") { e.preventDefault(); pergi(tautanSebelum); return; }
    if (!form) return;
    if (k === "n" || k === "N") {
      var c = form.querySelector("[data-catatan]");
      if (c) { e.preventDefault(); c.focus(); }
      return;
    }
    if (k === "u" || k === "U") { e.preventDefault(); salinUnit(); return; }
    var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=pilihan]"));
    if (!radios.length) return;
    if (/^[0-9]$/.test(k)) {
      var n = parseInt(k, 10);
      var r = n === 0 ? form.querySelector('input[name=pilihan][value=""]') : form.querySelector('input[name=pilihan][data-nomor="' + n + '"]');
      if (r) { e.preventDefault(); pilih(r); }
      return;
    }
    if (/^[a-zA-Z]$/.test(k)) {
      var huruf = k.toUpperCase();
      var cocok = radios.filter(function (x) {
        var v = x.value.toUpperCase();
        return v && (v === huruf || (v.length > 1 && v.charAt(0) === huruf));
      });
      if (cocok.length === 1) { e.preventDefault(); pilih(cocok[0]); }
    }
  });

  // Ready for keys and autosave (browser tests wait for this).
  document.documentElement.setAttribute("data-penilai-siap", "");
})();
