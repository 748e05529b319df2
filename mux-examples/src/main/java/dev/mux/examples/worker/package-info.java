/**
 * The worker example: {@link dev.mux.examples.worker.ThumbnailWorker} handles
 * {@code {"type": "generate", "id": …}} jobs from the {@code thumbnails-generate} channel and
 * announces each result to the {@code thumbnails} group, and
 * {@link dev.mux.examples.worker.RunWorker} runs it as a process, the way Django Channels'
 * {@code manage.py runworker thumbnails-generate} does. With the Redis layer, the jobs may come
 * from a Django application and the announcements go back to its consumers.
 */
package dev.mux.examples.worker;
