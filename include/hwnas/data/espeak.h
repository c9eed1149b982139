#pragma once
// Speech from espeak-ng (Debian package espeak-ng): one utterance as float samples at the
// rate asked for (espeak-ng speaks at 22.05 kHz; resample.h converts). Each call runs one
// espeak-ng process, so calls from several threads run in parallel. Deterministic: the same
// text and parameters give the same samples.
//
//   hwnas::data::SpeechParams p{.voice = "en-gb-scotland+f3", .rate = 150, .pitch = 60};
//   std::vector<float> yes = hwnas::data::speak("yes", p, 16000);
#include <string>
#include <string_view>
#include <vector>

namespace hwnas::data {

struct SpeechParams {
  std::string voice = "en-us";  // language[+variant], as espeak-ng -v takes it
  int rate = 175;               // words per minute (-s)
  int pitch = 50;               // 0..99 (-p)
  int amplitude = 100;          // 0..200 (-a)
  int word_gap = 0;             // pause between words in 10 ms units (-g)
};

// `text` may hold letters, digits, spaces and . , ! ? ' - (anything else is an Error: it is
// passed to a shell). An espeak-ng that is missing or fails is an Error with the command.
std::vector<float> speak(std::string_view text, const SpeechParams& params, int sample_rate);

}  // namespace hwnas::data
