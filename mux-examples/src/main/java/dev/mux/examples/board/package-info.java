/**
 * The example's message board: the {@link dev.mux.examples.board.BoardMessage} model, its JDBC
 * store, its binding to the {@code message-stream} stream and its REST API.
 */
package dev.mux.examples.board;
