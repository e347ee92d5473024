// Kết Nối: job-exchange sessions in the browser. Live counters and queues
// (one WebSocket per page), scanning tickets with the camera (jsQR), and the
// video interview (WebRTC, signalled over the same WebSocket).
(function () {
  'use strict';
  var numbers = new Intl.NumberFormat(document.documentElement.lang || 'vi');

  function socketUrl(path) {
    return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;
  }

  // One WebSocket that comes back after a cut (doubling waits, at most 10 s).
  function connect(path, onMessage, onOpen) {
    var wait = 500;
    var current = null;
    function open() {
      var ws = new WebSocket(socketUrl(path));
      current = ws;
      ws.onopen = function () { wait = 500; if (onOpen) onOpen(ws); };
      ws.onmessage = function (e) {
        var m;
        try { m = JSON.parse(e.data); } catch (err) { return; }
        onMessage(m, ws);
      };
      ws.onclose = function () { setTimeout(open, wait); wait = Math.min(wait * 2, 10000); };
    }
    open();
    return { send: function (m) { if (current && current.readyState === 1) current.send(JSON.stringify(m)); } };
  }

  // ---------- counters and queues ----------
  var live = document.querySelector('[data-live]');
  if (live) {
    var registration = Number(live.getAttribute('data-registration') || 0);
    var boothEl = document.querySelector('[data-booth]');
    var booth = boothEl ? boothEl.getAttribute('data-booth') : null;
    var firstCount = null;
    connect(live.getAttribute('data-live'), function (m) {
      if (m.type === 'state') {
        document.querySelectorAll('[data-counter]').forEach(function (el) {
          var v = m[el.getAttribute('data-counter')];
          if (typeof v === 'number') el.textContent = numbers.format(v);
        });
        document.querySelectorAll('[data-queue-booth]').forEach(function (el) {
          var q = m.queues[el.getAttribute('data-queue-booth')] || [];
          var at = q.indexOf(registration);
          el.textContent = at >= 0
            ? el.getAttribute('data-waiting').replace('{n}', numbers.format(at + 1))
            : el.getAttribute('data-not-waiting');
        });
        if (booth) {
          var n = (m.queues[booth] || []).length;
          var count = document.querySelector('[data-queue-count]');
          if (count) count.textContent = numbers.format(n);
          if (firstCount === null) firstCount = n;
          var note = document.querySelector('[data-queue-note]');
          if (note && n !== firstCount) note.hidden = false;
        }
      } else if (m.type === 'call' && registration && m.registration === registration) {
        var called = document.querySelector('[data-call]');
        if (called) called.hidden = false;
        var ticket = live.getAttribute('data-ticket');
        var session = live.getAttribute('data-session');
        location.href = '/sessions/' + session + '/interviews/' + m.interview + '/room?t=' + encodeURIComponent(ticket);
      }
    });
  }

  // ---------- scanning a ticket at the door ----------
  var scan = document.querySelector('[data-scan]');
  if (scan) {
    scan.addEventListener('click', function () {
      var video = document.querySelector('[data-scan-video]');
      var status = document.querySelector('[data-scan-status]');
      var form = document.querySelector('[data-checkin-form]');
      if (!navigator.mediaDevices || typeof window.jsQR !== 'function') {
        status.textContent = scan.getAttribute('data-unavailable') || '';
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var canvas = document.createElement('canvas');
        var ctx = canvas.getContext('2d', { willReadFrequently: true });
        function tick() {
          if (video.readyState >= 2 && video.videoWidth) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            ctx.drawImage(video, 0, 0);
            var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
            var code = window.jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
            if (code && code.data) {
              stream.getTracks().forEach(function (t) { t.stop(); });
              form.querySelector('[name=by]').value = 'ticket';
              form.querySelector('[data-scan-target]').value = code.data;
              form.submit();
              return;
            }
          }
          requestAnimationFrame(tick);
        }
        requestAnimationFrame(tick);
      }).catch(function () {
        status.textContent = scan.getAttribute('data-unavailable') || '';
      });
    });
  }

  // ---------- the video interview ----------
  var room = document.querySelector('[data-room]');
  if (room) {
    var side = room.getAttribute('data-side');
    var ice = [];
    try { ice = JSON.parse(room.getAttribute('data-ice') || '[]'); } catch (e) { ice = []; }
    var status = room.querySelector('[data-room-status]');
    var remote = room.querySelector('[data-remote]');
    var local = room.querySelector('[data-local]');
    var log = room.querySelector('[data-chat-log]');
    var media = null;
    var pc = null;
    var pending = [];
    var signal = null;

    var say = function (key) { status.textContent = status.getAttribute('data-' + key) || ''; };
    var line = function (who, text) {
      var li = document.createElement('li');
      var b = document.createElement('strong');
      b.textContent = who + ': ';
      li.appendChild(b);
      li.appendChild(document.createTextNode(text));
      log.appendChild(li);
      log.scrollTop = log.scrollHeight;
    };

    var fresh = function () {
      if (pc) pc.close();
      pending = [];
      pc = new RTCPeerConnection({ iceServers: ice });
      if (media) media.getTracks().forEach(function (t) { pc.addTrack(t, media); });
      else {
        // Without camera or microphone: still receive the other side's.
        pc.addTransceiver('audio', { direction: 'recvonly' });
        pc.addTransceiver('video', { direction: 'recvonly' });
      }
      pc.onicecandidate = function (e) { if (e.candidate) signal.send({ type: 'ice', data: e.candidate.toJSON() }); };
      pc.ontrack = function (e) { if (remote.srcObject !== e.streams[0]) remote.srcObject = e.streams[0]; };
      pc.onconnectionstatechange = function () {
        if (pc.connectionState === 'connected') say('connected');
        if (pc.connectionState === 'failed') say('failed');
      };
    };
    var offer = function () {
      fresh();
      pc.createOffer().then(function (o) { return pc.setLocalDescription(o); })
        .then(function () { signal.send({ type: 'offer', data: pc.localDescription.toJSON() }); });
    };
    var flush = function () {
      pending.forEach(function (c) { pc.addIceCandidate(c).catch(function () {}); });
      pending = [];
    };

    var start = function () {
      signal = connect(room.getAttribute('data-room'), function (m) {
        if (m.type === 'hello' || m.type === 'ready') {
          // The employer places the call whenever the candidate arrives (again).
          if (side === 'employer') offer();
          else if (m.type === 'hello') signal.send({ type: 'ready' });
        } else if (m.type === 'offer' && side === 'candidate') {
          fresh();
          pc.setRemoteDescription(m.data).then(function () { flush(); return pc.createAnswer(); })
            .then(function (a) { return pc.setLocalDescription(a); })
            .then(function () { signal.send({ type: 'answer', data: pc.localDescription.toJSON() }); });
        } else if (m.type === 'answer' && side === 'employer' && pc) {
          pc.setRemoteDescription(m.data).then(flush);
        } else if (m.type === 'ice' && pc) {
          if (pc.remoteDescription) pc.addIceCandidate(m.data).catch(function () {});
          else pending.push(m.data);
        } else if (m.type === 'chat' && m.data) {
          if (m.data.callme) line(log.getAttribute('data-them'), log.getAttribute('data-callme'));
          else line(log.getAttribute('data-them'), String(m.data.text || ''));
        } else if (m.type === 'bye') {
          say('waiting');
        }
      });
    };

    var form = room.querySelector('[data-chat-form]');
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var input = form.querySelector('[name=text]');
      var text = input.value.trim();
      if (!text || !signal) return;
      signal.send({ type: 'chat', data: { text: text } });
      line(log.getAttribute('data-me'), text);
      input.value = '';
    });
    var callme = room.querySelector('[data-callme]');
    if (callme) {
      callme.addEventListener('click', function () {
        signal.send({ type: 'chat', data: { callme: true } });
        line(log.getAttribute('data-me'), callme.textContent);
      });
    }

    var getMedia = navigator.mediaDevices && navigator.mediaDevices.getUserMedia
      ? navigator.mediaDevices.getUserMedia({ video: true, audio: true })
      : Promise.reject(new Error('no media'));
    getMedia.then(function (stream) {
      media = stream;
      local.srcObject = stream;
    }).catch(function () {
      say('failed');
    }).then(start);
  }
})();
