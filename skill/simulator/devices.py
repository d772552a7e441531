"""The devices the simulator can be (`--device`): what each sends Alexa's skill about its screen.

One table, from Amazon's APL documentation:
- "Viewport Profiles" (the alexa-viewport-profiles package): the profile of each device family and
  its size range in dp: hubRoundSmall (Echo Spot), hubLandscapeSmall (Echo Show 5),
  hubLandscapeMedium (Echo Show 8), hubLandscapeLarge (Echo Show 10), tvLandscapeXLarge (Fire TV);
  "What's New in APL 1.8" adds hubLandscapeXLarge (1920-2560 x 960-1279 dp) for the Echo Show 15;
  https://developer.amazon.com/docs/alexa-presentation-language/apl-alexa-viewport-profiles-package.html
- "Viewport Object in the Data-binding Context": dp = pixels x 160 / dpi, the supported dpi values
  (120, 160, 213, 240, 320, 480), the original Echo Show at 1024 x 600 pixels and 160 dpi, and a
  1080p TV at 1920 x 1080 pixels and 320 dpi, 960 x 540 dp;
  https://developer.amazon.com/docs/alexa-presentation-language/apl-viewport-property.html
- the request reference for `context.Viewport` (shape, pixelWidth, pixelHeight, dpi, mode, touch,
  keyboard) and `context.Viewports` (the APL viewport and its current size), and
  `context.System.device.supportedInterfaces` naming `Alexa.Presentation.APL` with its runtime.
Pixel sizes are the devices' panels; the dpi is the one that puts each in its profile's dp range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

APL_MAX_VERSION = "2024.2"


@dataclass(frozen=True, slots=True)
class Device:
    """A device with a screen, as its requests describe it."""

    label: str
    profile: str  # the alexa-viewport-profiles name
    shape: str  # RECTANGLE or ROUND
    mode: str  # HUB or TV
    pixel_width: int
    pixel_height: int
    dpi: int
    touch: bool = True

    @property
    def dp_size(self) -> tuple[int, int]:
        """The viewport in dp, as APL documents see it."""
        return (self.pixel_width * 160 // self.dpi, self.pixel_height * 160 // self.dpi)

    def viewport(self) -> dict[str, Any]:
        """`context.Viewport`."""
        return {
            "experiences": [{"canRotate": False, "canResize": False}],
            "mode": self.mode,
            "shape": self.shape,
            "pixelWidth": self.pixel_width,
            "pixelHeight": self.pixel_height,
            "currentPixelWidth": self.pixel_width,
            "currentPixelHeight": self.pixel_height,
            "dpi": self.dpi,
            "touch": ["SINGLE"] if self.touch else [],
            "keyboard": [] if self.touch else ["DIRECTION"],
            "video": {"codecs": ["H_264_42", "H_264_41"]},
        }

    def viewports(self) -> list[dict[str, Any]]:
        """`context.Viewports`: the one APL viewport."""
        return [
            {
                "type": "APL",
                "id": "main",
                "shape": self.shape,
                "dpi": self.dpi,
                "presentationType": "STANDARD",
                "canRotate": False,
                "configuration": {
                    "current": {
                        "mode": self.mode,
                        "video": {"codecs": ["H_264_42", "H_264_41"]},
                        "size": {
                            "type": "DISCRETE",
                            "pixelWidth": self.pixel_width,
                            "pixelHeight": self.pixel_height,
                        },
                    }
                },
            }
        ]

    def supported_interfaces(self) -> dict[str, Any]:
        """`context.System.device.supportedInterfaces`."""
        return {
            "AudioPlayer": {},
            "Alexa.Presentation.APL": {"runtime": {"maxVersion": APL_MAX_VERSION}},
        }


SPEAKER = "speaker"  # no screen: the envelope the simulator has always sent
DEVICES: dict[str, Device | None] = {
    SPEAKER: None,
    "echo-show-5": Device("Echo Show 5", "hubLandscapeSmall", "RECTANGLE", "HUB", 960, 480, 160),
    "echo-show-8": Device("Echo Show 8", "hubLandscapeMedium", "RECTANGLE", "HUB", 1280, 800, 213),
    "echo-show-10": Device("Echo Show 10", "hubLandscapeLarge", "RECTANGLE", "HUB", 1280, 800, 160),
    "echo-show-15": Device(
        "Echo Show 15", "hubLandscapeXLarge", "RECTANGLE", "HUB", 1920, 1080, 160
    ),
    "echo-spot": Device("Echo Spot", "hubRoundSmall", "ROUND", "HUB", 480, 480, 160),
    "fire-tv": Device(
        "Fire TV", "tvLandscapeXLarge", "RECTANGLE", "TV", 1920, 1080, 320, touch=False
    ),
}


def describe(name: str) -> dict[str, Any]:
    """A device for the web page's picker and screen preview."""
    device = DEVICES[name]
    if device is None:
        return {"name": name, "label": "Speaker (no screen)", "screen": None}
    width, height = device.dp_size
    return {
        "name": name,
        "label": device.label,
        "screen": {
            "profile": device.profile,
            "shape": device.shape,
            "mode": device.mode,
            "pixelWidth": device.pixel_width,
            "pixelHeight": device.pixel_height,
            "dpi": device.dpi,
            "width": width,
            "height": height,
            "touch": device.touch,
        },
    }
