/* speechemotion.h: C interface of libspeechemotion (SpeechEmotion.Native, NativeAOT). MIT licence.
 *
 * Every function is safe to call with bad arguments: it returns an error (NULL or a negative code) and
 * ser_last_error() says why; nothing aborts the host process. A recognizer may be used from several threads. */
#ifndef SPEECHEMOTION_H
#define SPEECHEMOTION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SER_MAX_LABELS 32

#define SER_OK 0
#define SER_ERROR_ARGUMENT (-1) /* NULL pointer, no samples, NaN or out-of-range sample, bad sample rate, bad handle */
#define SER_ERROR_AUDIO (-2)    /* audio that cannot be read */
#define SER_ERROR_MODEL (-3)    /* model file missing, corrupt or unusable */
#define SER_ERROR_INTERNAL (-4) /* anything else (a bug: please report ser_last_error()) */

typedef struct ser_recognizer ser_recognizer;

typedef struct ser_result {
    int32_t label;                          /* index of the most probable emotion (see ser_label) */
    int32_t label_count;                    /* how many entries of probabilities are used */
    double duration_seconds;                /* length of the audio */
    float probabilities[SER_MAX_LABELS];    /* in label order; they sum to 1 */
} ser_result;

/* Loads a model file (.ser); NULL loads the model built into the library. NULL on error. */
ser_recognizer *ser_open(const char *model_path);

/* Recognises `count` mono samples (nominally within +-1) at `sample_rate` Hz (1000..768000). */
int32_t ser_recognize_pcm(ser_recognizer *recognizer, const float *samples, int64_t count, int32_t sample_rate,
                          ser_result *out);

/* The name of label `index` (UTF-8, owned by the recognizer, valid until ser_close); NULL on error. */
const char *ser_label(ser_recognizer *recognizer, int32_t index);

/* The last error on this thread (UTF-8; valid until the next call on this thread); "" when there was none. */
const char *ser_last_error(void);

/* Releases a recognizer; NULL or an unknown handle is ignored. */
void ser_close(ser_recognizer *recognizer);

#ifdef __cplusplus
}
#endif

#endif
