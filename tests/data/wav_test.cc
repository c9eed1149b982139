#include "hwnas/data/wav.h"

#include <fstream>

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::data {
namespace {

// A canonical 44-byte header written by hand, so the reader is checked against the format,
// not against our own writer.
std::string hand_wav(int rate, int channels, int bits, const std::string& data) {
  std::string b = "RIFF";
  auto put32 = [&](uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
  auto put16 = [&](uint16_t v) { b.append(reinterpret_cast<const char*>(&v), 2); };
  put32(36 + static_cast<uint32_t>(data.size()));
  b += "WAVEfmt ";
  put32(16);
  put16(1);
  put16(static_cast<uint16_t>(channels));
  put32(static_cast<uint32_t>(rate));
  put32(static_cast<uint32_t>(rate * channels * bits / 8));
  put16(static_cast<uint16_t>(channels * bits / 8));
  put16(static_cast<uint16_t>(bits));
  b += "data";
  put32(static_cast<uint32_t>(data.size()));
  return b + data;
}

TEST(Wav, ReadsHandWrittenFile) {
  const auto dir = testing::temp_dir();
  const std::string data("\x01\x00\xff\xff\x00\x80", 6);  // 1, -1, -32768 little-endian
  write_file_atomic(dir / "a.wav", hand_wav(16000, 1, 16, data));
  EXPECT_EQ(read_wav(dir / "a.wav"), (std::vector<int16_t>{1, -1, -32768}));
  EXPECT_EQ(check_wav(dir / "a.wav"), 3);
}

TEST(Wav, WriteThenReadRoundTrips) {
  const auto dir = testing::temp_dir();
  std::vector<int16_t> pcm{0, 100, -200, 32767, -32768};
  write_wav(dir / "b.wav", pcm);
  EXPECT_EQ(read_wav(dir / "b.wav"), pcm);
  EXPECT_EQ(read_file(dir / "b.wav"), hand_wav(16000, 1, 16, std::string(reinterpret_cast<char*>(pcm.data()), 10)));
}

TEST(Wav, SkipsOtherChunks) {
  std::string w = hand_wav(16000, 1, 16, std::string("\x02\x00", 2));
  // Insert a LIST chunk (odd size, so padded) between fmt and data.
  const std::string list = std::string("LIST\x03\x00\x00\x00", 8) + "abc" + std::string(1, '\0');
  w.insert(36, list);
  const auto parsed = parse_wav(w, "mem");
  EXPECT_EQ(parsed.samples, std::vector<int16_t>{2});
}

TEST(Wav, StreamedSizeReadsToTheEnd) {
  // espeak-ng --stdout writes 0x7ffff000 as the data size: read what is there.
  std::string w = hand_wav(22050, 1, 16, std::string("\x05\x00\x06\x00", 4));
  const uint32_t streamed = 0x7ffff000;
  std::memcpy(w.data() + 40, &streamed, 4);
  const auto parsed = parse_wav(w, "pipe");
  EXPECT_EQ(parsed.sample_rate, 22050);
  EXPECT_EQ(parsed.samples, (std::vector<int16_t>{5, 6}));
}

TEST(Wav, WrongRateWidthChannelsNameTheFile) {
  const auto dir = testing::temp_dir();
  write_file_atomic(dir / "r.wav", hand_wav(8000, 1, 16, std::string(4, '\0')));
  write_file_atomic(dir / "w.wav", hand_wav(16000, 1, 8, std::string(4, '\0')));
  write_file_atomic(dir / "c.wav", hand_wav(16000, 2, 16, std::string(4, '\0')));
  EXPECT_HWNAS_ERROR(read_wav(dir / "r.wav"), "r.wav: sample rate 8000 Hz; expected 16000 Hz");
  EXPECT_HWNAS_ERROR(read_wav(dir / "w.wav"), "w.wav: 8-bit WAV; expected 16-bit PCM mono");
  EXPECT_HWNAS_ERROR(read_wav(dir / "c.wav"), "c.wav: 2 channels; expected mono");
  EXPECT_HWNAS_ERROR(check_wav(dir / "r.wav"), "r.wav: sample rate 8000 Hz");
}

TEST(Wav, TruncatedAndGarbageNameTheFile) {
  const auto dir = testing::temp_dir();
  std::string w = hand_wav(16000, 1, 16, std::string(100, '\0'));
  write_file_atomic(dir / "t.wav", w.substr(0, 60));
  write_file_atomic(dir / "g.wav", "hello, not audio");
  EXPECT_HWNAS_ERROR(read_wav(dir / "t.wav"), "t.wav: truncated WAV: data chunk says 100 bytes, file has 16");
  EXPECT_HWNAS_ERROR(check_wav(dir / "t.wav"), "t.wav: truncated WAV");
  EXPECT_HWNAS_ERROR(read_wav(dir / "g.wav"), "g.wav: not a WAV file");
  EXPECT_HWNAS_ERROR(read_wav(dir / "missing.wav"), "missing.wav: no such file");
}

}  // namespace
}  // namespace hwnas::data
