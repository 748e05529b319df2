// mux.js
