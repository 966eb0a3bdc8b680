/*
 * ESP32 deep sleep for the tracker: timer + ext0/ext1 wake, wake cause and reset reason, a retained block and the
 * wall-clock offset in RTC slow memory, output holds for module power enables, and the RTC time that keeps
 * counting through deep sleep. The Moddable SDK has none of these; the JS side is deep-sleep.js.
 *
 * RTC_DATA_ATTR data is loaded from the image on every boot except a deep-sleep wake, so everything below
 * survives deep sleep only; the magic + CRC guard against a brown-out that corrupted the block while asleep.
 */

#include "xsmc.h"
#include "xsHost.h"

#include "esp_attr.h"
#include "esp_sleep.h"
#include "esp_system.h"
#include "esp_rom_crc.h"
#include "driver/gpio.h"
#include "soc/soc_caps.h"

#include <string.h>

/* Declared in a chip-specific header (soc/<chip>/rtc.h); the symbol is the same on every ESP32 family member. */
extern uint64_t esp_rtc_get_time_us(void);

#define kRetainedCapacity (4096)
#define kRetainedMagic (0x52455446)	/* "RETF" */
#define kWallMagic (0x57414C4C)		/* "WALL" */

RTC_DATA_ATTR static uint8_t gRetained[kRetainedCapacity];
RTC_DATA_ATTR static uint32_t gRetainedLength;
RTC_DATA_ATTR static uint32_t gRetainedCrc;
RTC_DATA_ATTR static uint32_t gRetainedMagic;

RTC_DATA_ATTR static double gWallOffset;
RTC_DATA_ATTR static uint32_t gWallMagic;

RTC_DATA_ATTR static uint64_t gHeldMask;
RTC_DATA_ATTR static uint64_t gHeldLevels;

void xs_deep_sleep_wake_cause(xsMachine *the)
{
	const char *name;
	switch (esp_sleep_get_wakeup_cause()) {
		case ESP_SLEEP_WAKEUP_TIMER: name = "timer"; break;
		case ESP_SLEEP_WAKEUP_EXT0: name = "ext0"; break;
		case ESP_SLEEP_WAKEUP_EXT1: name = "ext1"; break;
		case ESP_SLEEP_WAKEUP_UNDEFINED: name = "none"; break;
		default: name = "other"; break;
	}
	xsmcSetString(xsResult, (char *)name);
}

void xs_deep_sleep_reset_reason(xsMachine *the)
{
	const char *name;
	switch (esp_reset_reason()) {
		case ESP_RST_POWERON: name = "power-on"; break;
		case ESP_RST_EXT: name = "external"; break;
		case ESP_RST_SW: name = "software"; break;
		case ESP_RST_PANIC: name = "panic"; break;
		case ESP_RST_INT_WDT:
		case ESP_RST_TASK_WDT:
		case ESP_RST_WDT: name = "watchdog"; break;
		case ESP_RST_DEEPSLEEP: name = "deep-sleep"; break;
		case ESP_RST_BROWNOUT: name = "brownout"; break;
		default: name = "other"; break;
	}
	xsmcSetString(xsResult, (char *)name);
}

void xs_deep_sleep_rtc_us(xsMachine *the)
{
	xsmcSetNumber(xsResult, (double)esp_rtc_get_time_us());
}

static uint64_t toMask(xsMachine *the, xsSlot *slot)
{
	double value = xsmcToNumber(*slot);
	if ((value < 0) || (value >= 18446744073709551616.0))
		xsRangeError("bad pin mask");
	return (uint64_t)value;
}

void xs_deep_sleep_sleep(xsMachine *the)
{
	double microseconds = xsmcToNumber(xsArg(0));
	int ext0Pin = xsmcToInteger(xsArg(1));
	int ext0Level = xsmcToInteger(xsArg(2));
	int ext1Pin = xsmcToInteger(xsArg(3));
	int ext1Level = xsmcToInteger(xsArg(4));
	uint64_t holdMask = toMask(the, &xsArg(5));
	uint64_t holdLevels = toMask(the, &xsArg(6)) & holdMask;
	int pin;

	esp_sleep_disable_wakeup_source(ESP_SLEEP_WAKEUP_ALL);
	if (microseconds > 0)
		esp_sleep_enable_timer_wakeup((uint64_t)microseconds);
	else
		esp_sleep_enable_timer_wakeup(1);

	if (ext0Pin >= 0) {
#if SOC_PM_SUPPORT_EXT0_WAKEUP
		if (ESP_OK != esp_sleep_enable_ext0_wakeup((gpio_num_t)ext0Pin, ext0Level ? 1 : 0))
			xsRangeError("ext0 pin is not an RTC GPIO");
#else
		xsUnknownError("ext0 wake unsupported");
#endif
	}
	if (ext1Pin >= 0) {
		/* One pin per source: "all low" and "any low" mean the same for a single pin; mode 0 is the low-level
		   wake on every chip (ESP_EXT1_WAKEUP_ALL_LOW on the ESP32, ESP_EXT1_WAKEUP_ANY_LOW on later ones). */
		esp_sleep_ext1_wakeup_mode_t mode = ext1Level ? ESP_EXT1_WAKEUP_ANY_HIGH : (esp_sleep_ext1_wakeup_mode_t)0;
		if (ESP_OK != esp_sleep_enable_ext1_wakeup(1ULL << ext1Pin, mode))
			xsRangeError("ext1 pin is not an RTC GPIO");
	}

	/* The levels come from JS, which wrote them: an output-only pad cannot be read back on the ESP32. */
	gHeldMask = holdMask;
	gHeldLevels = holdLevels;
	for (pin = 0; pin < 64; pin++) {
		if (holdMask & (1ULL << pin))
			gpio_hold_en((gpio_num_t)pin);
	}
#if SOC_GPIO_SUPPORT_HOLD_IO_IN_DSLP && !SOC_GPIO_SUPPORT_HOLD_SINGLE_IO_IN_DSLP
	if (holdMask)
		gpio_deep_sleep_hold_en();
#endif

	esp_deep_sleep_start();
}

void xs_deep_sleep_restart(xsMachine *the)
{
	esp_restart();
}

void xs_deep_sleep_retained_capacity(xsMachine *the)
{
	xsmcSetInteger(xsResult, kRetainedCapacity);
}

void xs_deep_sleep_retained_load(xsMachine *the)
{
	if ((kRetainedMagic != gRetainedMagic) || (gRetainedLength > kRetainedCapacity))
		return;
	if (esp_rom_crc32_le(0, gRetained, gRetainedLength) != gRetainedCrc)
		return;
	xsmcSetArrayBuffer(xsResult, gRetained, gRetainedLength);
}

void xs_deep_sleep_retained_save(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > kRetainedCapacity)
		xsRangeError("retained block too large");

	gRetainedMagic = 0;		/* a reset during the copy leaves the block invalid, never half-new */
	memcpy(gRetained, data, length);
	gRetainedLength = length;
	gRetainedCrc = esp_rom_crc32_le(0, gRetained, length);
	gRetainedMagic = kRetainedMagic;
}

void xs_deep_sleep_wall_offset(xsMachine *the)
{
	if (kWallMagic == gWallMagic)
		xsmcSetNumber(xsResult, gWallOffset);
}

void xs_deep_sleep_set_wall_offset(xsMachine *the)
{
	gWallMagic = 0;
	gWallOffset = xsmcToNumber(xsArg(0));
	gWallMagic = kWallMagic;
}

void xs_deep_sleep_held_level(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	if ((pin < 0) || (pin > 63) || !(gHeldMask & (1ULL << pin)))
		return;
	xsmcSetInteger(xsResult, (gHeldLevels & (1ULL << pin)) ? 1 : 0);
}

void xs_deep_sleep_release_hold(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	if ((pin < 0) || (pin > 63))
		xsRangeError("bad pin");
	gpio_hold_dis((gpio_num_t)pin);
	gHeldMask &= ~(1ULL << pin);
}
