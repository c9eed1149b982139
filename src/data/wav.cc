#include "hwnas/data/wav.h"

#include <cstring>
#include <fstream>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"

namespace hwnas::data {
namespace {

uint32_t u32(std::string_view b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);  // WAV is little-endian, as every target of hwnas
  return v;
}
uint16_t u16(std::string_view b, size_t at) {
  uint16_t v;
  std::memcpy(&v, b.data() + at, 2);
  return v;
}

struct Header {
  int format = 0, channels = 0, rate = 0, bits = 0;
  size_t data_at = 0, data_bytes = 0;
};

// Walks the RIFF chunks up to "data". Other chunks (LIST, fact, ...) are skipped.
Header parse_header(std::string_view b, const std::string& name, bool need_all_data) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WAVE")
    fail(name, "not a WAV file (no RIFF/WAVE header)");
  Header h;
  bool have_fmt = false;
  size_t at = 12;
  while (true) {
    if (at + 8 > b.size()) fail(name, "truncated WAV: no data chunk");
    const std::string_view id = b.substr(at, 4);
    const size_t size = u32(b, at + 4);
    const size_t body = at + 8;
    if (id == "fmt ") {
      if (body + 16 > b.size()) fail(name, "truncated WAV: fmt chunk cut short");
      h.format = u16(b, body);
      h.channels = u16(b, body + 2);
      h.rate = static_cast<int>(u32(b, body + 4));
      h.bits = u16(b, body + 14);
      // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID.
      if (h.format == 0xFFFE && size >= 40 && body + 26 <= b.size()) h.format = u16(b, body + 24);
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) fail(name, "malformed WAV: data chunk before fmt chunk");
      h.data_at = body;
      const size_t avail = b.size() - body;
      if (size > avail && need_all_data && size != 0xFFFFFFFFu && size < 0x7FFF0000u)
        fail(name, "truncated WAV: data chunk says {} bytes, file has {}", size, avail);
      h.data_bytes = std::min(size, avail);
      return h;
    }
    at = body + size + (size & 1);  // chunks are padded to even sizes
  }
}

void check_format(const Header& h, const std::string& name, int expected_rate) {
  if (h.format != 1) fail(name, "WAV format {} is not PCM; expected 16-bit PCM mono at {} Hz", h.format, expected_rate);
  if (h.bits != 16)
    fail(name, "{}-bit WAV; expected 16-bit PCM mono at {} Hz (convert with: sox in.wav -b 16 out.wav)", h.bits,
         expected_rate);
  if (h.channels != 1)
    fail(name, "{} channels; expected mono 16-bit PCM at {} Hz (convert with: sox in.wav -c 1 out.wav)", h.channels,
         expected_rate);
  if (h.rate != expected_rate)
    fail(name, "sample rate {} Hz; expected {} Hz (resample with: sox in.wav -r {} out.wav)", h.rate, expected_rate,
         expected_rate);
}

}  // namespace

WavData parse_wav(std::string_view bytes, const std::string& name) {
  const Header h = parse_header(bytes, name, false);
  if (h.format != 1) fail(name, "WAV format {} is not PCM", h.format);
  if (h.bits != 16) fail(name, "{}-bit WAV; only 16-bit PCM is read", h.bits);
  WavData w{.sample_rate = h.rate, .channels = h.channels, .bits = h.bits};
  w.samples.resize(h.data_bytes / 2);
  std::memcpy(w.samples.data(), bytes.data() + h.data_at, w.samples.size() * 2);
  return w;
}

std::vector<int16_t> read_wav(const std::filesystem::path& path, int expected_rate) {
  const std::string bytes = read_file(path);
  const std::string name = path.string();
  const Header h = parse_header(bytes, name, true);
  check_format(h, name, expected_rate);
  std::vector<int16_t> samples(h.data_bytes / 2);
  std::memcpy(samples.data(), bytes.data() + h.data_at, samples.size() * 2);
  return samples;
}

int64_t check_wav(const std::filesystem::path& path, int expected_rate) {
  const std::string name = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(name, "cannot open WAV for reading");
  std::string head(4096, '\0');  // headers with LIST chunks stay well inside this
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  Header h = parse_header(head, name, false);
  check_format(h, name, expected_rate);
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  const size_t declared = u32(head, h.data_at - 4);
  if (!ec && h.data_at + declared > file_size)
    fail(name, "truncated WAV: data chunk says {} bytes, file has {}", declared, file_size - h.data_at);
  return static_cast<int64_t>(declared / 2);
}

std::string encode_wav(std::span<const int16_t> samples, int sample_rate) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string b(44 + data_bytes, '\0');
  auto put32 = [&](size_t at, uint32_t v) { std::memcpy(b.data() + at, &v, 4); };
  auto put16 = [&](size_t at, uint16_t v) { std::memcpy(b.data() + at, &v, 2); };
  std::memcpy(b.data(), "RIFF", 4);
  put32(4, 36 + data_bytes);
  std::memcpy(b.data() + 8, "WAVEfmt ", 8);
  put32(16, 16);
  put16(20, 1);  // PCM
  put16(22, 1);  // mono
  put32(24, static_cast<uint32_t>(sample_rate));
  put32(28, static_cast<uint32_t>(sample_rate) * 2);
  put16(32, 2);
  put16(34, 16);
  std::memcpy(b.data() + 36, "data", 4);
  put32(40, data_bytes);
  std::memcpy(b.data() + 44, samples.data(), data_bytes);
  return b;
}

void write_wav(const std::filesystem::path& path, std::span<const int16_t> samples, int sample_rate) {
  write_file_atomic(path, encode_wav(samples, sample_rate));
}

}  // namespace hwnas::data
