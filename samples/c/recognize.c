/* recognize.c: calls libspeechemotion from C.
 *   recognize MODEL.ser|- FILE.wav...  per file: the top label, then every label and probability (%.9g), a line each
 *   recognize MODEL.ser|- --errors     checks that bad input gets an error code and a message, never a crash
 * "-" is the model built into the library. The WAV reader handles 16-bit PCM mono, as the corpus files are.
 * Build: cc recognize.c -I../../src/SpeechEmotion.CApi -L<dir of libspeechemotion.so> -lspeechemotion -o recognize */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "speechemotion.h"

static float *read_wav(const char *path, int64_t *count, int32_t *rate) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char head[12], chunk[8], fmt[16] = {0};
    float *samples = NULL;
    if (fread(head, 1, 12, f) != 12 || memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4)) goto done;
    while (fread(chunk, 1, 8, f) == 8) {
        uint32_t size = chunk[4] | chunk[5] << 8 | chunk[6] << 16 | (uint32_t)chunk[7] << 24;
        if (!memcmp(chunk, "fmt ", 4)) {
            if (size < 16 || fread(fmt, 1, 16, f) != 16) goto done;
            fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR);
        } else if (!memcmp(chunk, "data", 4)) {
            if (fmt[0] != 1 || fmt[2] != 1 || fmt[14] != 16) goto done; /* PCM, mono, 16 bits */
            *rate = fmt[4] | fmt[5] << 8 | fmt[6] << 16 | fmt[7] << 24;
            *count = size / 2;
            samples = malloc(sizeof(float) * (size_t)*count);
            for (int64_t i = 0; i < *count; i++) {
                unsigned char b[2];
                if (fread(b, 1, 2, f) != 2) { *count = i; break; }
                samples[i] = (float)((int16_t)(b[0] | b[1] << 8) / 32768.0);
            }
            goto done;
        } else {
            fseek(f, (long)(size + (size & 1)), SEEK_CUR);
        }
    }
done:
    fclose(f);
    return samples;
}

static int expect_error(const char *what, int32_t code) {
    const char *message = ser_last_error();
    printf("%s: code %d, %s\n", what, code, message);
    return code < 0 && message[0] != '\0';
}

static int check_errors(ser_recognizer *r) {
    ser_result out;
    float ok[1600] = {0}, bad[1600] = {0};
    bad[7] = NAN;
    int good = 1;
    good &= expect_error("null samples", ser_recognize_pcm(r, NULL, 1600, 16000, &out));
    good &= expect_error("null result", ser_recognize_pcm(r, ok, 1600, 16000, NULL));
    good &= expect_error("zero samples", ser_recognize_pcm(r, ok, 0, 16000, &out));
    good &= expect_error("NaN sample", ser_recognize_pcm(r, bad, 1600, 16000, &out));
    good &= expect_error("sample rate 7", ser_recognize_pcm(r, ok, 1600, 7, &out));
    ser_recognizer *unknown = (ser_recognizer *)(intptr_t)987654;
    good &= expect_error("unknown handle", ser_recognize_pcm(unknown, ok, 1600, 16000, &out));
    ser_recognizer *missing = ser_open("/nonexistent/model.ser");
    good &= expect_error("missing model", missing == NULL ? -3 : 0);
    good &= ser_label(r, 99) == NULL;
    ser_close(NULL);
    good &= ser_recognize_pcm(r, ok, 1600, 16000, &out) == SER_OK; /* still works afterwards */
    return good;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: recognize MODEL.ser|- FILE.wav...|--errors\n");
        return 2;
    }
    ser_recognizer *r = ser_open(strcmp(argv[1], "-") ? argv[1] : NULL);
    if (!r) {
        fprintf(stderr, "ser_open: %s\n", ser_last_error());
        return 1;
    }
    if (!strcmp(argv[2], "--errors")) {
        int good = check_errors(r);
        ser_close(r);
        printf(good ? "all errors reported\n" : "an error was not reported\n");
        return good ? 0 : 1;
    }
    int failed = 0;
    for (int file = 2; file < argc; file++) {
        int64_t count = 0;
        int32_t rate = 0;
        float *samples = read_wav(argv[file], &count, &rate);
        if (!samples) {
            fprintf(stderr, "%s: not a 16-bit PCM mono WAV\n", argv[file]);
            failed = 1;
            continue;
        }
        ser_result out;
        int32_t code = ser_recognize_pcm(r, samples, count, rate, &out);
        free(samples);
        if (code != SER_OK) {
            fprintf(stderr, "%s: ser_recognize_pcm: %d %s\n", argv[file], code, ser_last_error());
            failed = 1;
            continue;
        }
        printf("%s\n", ser_label(r, out.label));
        for (int i = 0; i < out.label_count; i++) printf("%s %.9g\n", ser_label(r, i), out.probabilities[i]);
    }
    ser_close(r);
    return failed;
}
