import { describe, expect, it } from "vitest";
import { defaultNoise, defaultSettings, parseSettings, settingsToQuery, type Settings } from "../src/app/settings.js";

describe("settings in the query string", () => {
  it("round-trips a view with every setting changed", () => {
    const s: Settings = {
      data: "spirals", points: 300, noise: 0.07, seed: 42, hidden: [16, 4, 3], activation: "relu", optimizer: "rmsprop",
      lr: 0.003, schedule: "cosine", decay: 500, batch: 8, speed: 12, view: "race",
    };
    expect(parseSettings(settingsToQuery(s))).toEqual(s);
  });

  it("round-trips a network with no hidden layer", () => {
    const s = { ...defaultSettings, hidden: [] };
    expect(settingsToQuery(s)).toContain("hidden=&");
    expect(parseSettings(settingsToQuery(s)).hidden).toEqual([]);
  });

  it("opens the defaults from an empty query", () => {
    expect(parseSettings("")).toEqual(defaultSettings);
  });

  it("falls back to defaults on malformed values and clamps numbers into range", () => {
    const s = parseSettings("?data=mnist&points=1e9&hidden=8-x&act=gelu&lr=-1&batch=0&speed=2.5&view=3d");
    expect(s.data).toBe(defaultSettings.data);
    expect(s.points).toBe(2000);
    expect(s.hidden).toEqual(defaultSettings.hidden);
    expect(s.activation).toBe(defaultSettings.activation);
    expect(s.lr).toBe(defaultSettings.lr);
    expect(s.batch).toBe(1);
    expect(s.speed).toBe(defaultSettings.speed);
    expect(s.view).toBe(defaultSettings.view);
  });

  it("takes the data set's own noise and the optimizer's own rate when the link names none", () => {
    const s = parseSettings("?data=blobs&opt=adadelta");
    expect(s.noise).toBe(defaultNoise.blobs);
    expect(s.lr).toBe(1);
  });

  it("caps the depth and width of the network", () => {
    expect(parseSettings("?hidden=1000-3").hidden).toEqual([64, 3]);
    expect(parseSettings("?hidden=1-1-1-1-1-1-1").hidden).toEqual(defaultSettings.hidden);
  });
});
