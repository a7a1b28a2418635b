/** WAV reading, resampling and the MFCC/fbank feature pipeline. */
package org.grukit.speech;
