//! The Bevy UI back end of the screen layout: every rectangle, line and picture of a
//! [`Layout`] placed where the layout says, in a window, with its animation; optionally a
//! screenshot through Bevy's own API, then exit (for tests and previews).

use std::path::PathBuf;
use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::text::{FontSize, TextFont};
use bevy::window::{MonitorSelection, WindowMode, WindowResolution};

use crate::scenario::Scenario;
use crate::scenario::model::Rgb;
use crate::screen::{Art, FRAMES, Fonts, Item, Layout, Part, picture_pixels};

use super::assets::{self, ArtAsset, UiAssets};
use super::watch::{self, SavedScenario, ScenarioProblems};

/// How to show the page.
pub struct PageWindow {
    pub title: String,
    pub fullscreen: bool,
    /// Take a screenshot to this file once the page is fully shown, then exit.
    pub screenshot: Option<PathBuf>,
    /// Show the page again each time the scenario file is saved.
    pub watch: Option<WatchedPage>,
}

/// Lays the page out again for a window size (a full screen, a resized window).
pub type Relayout = Box<dyn Fn(u32, u32) -> Layout + Send + Sync>;

/// The page of a saved scenario, or why it cannot be shown.
pub type PageOf = Box<dyn Fn(Arc<Scenario>) -> Result<Relayout, String> + Send + Sync>;

/// The scenario file to watch, and how to lay out its page.
pub struct WatchedPage {
    pub path: PathBuf,
    pub page_of: PageOf,
}

#[derive(Resource)]
struct PageOfSaved(PageOf);

/// The layout being shown, and where its animation is.
#[derive(Resource)]
struct Shown {
    layout: Layout,
    relayout: Relayout,
    frame: usize,
    since: f32,
    screenshot: Option<PathBuf>,
    requested: bool,
    frames_drawn: u32,
    /// The layout changed without the window's size: spawn it again.
    stale: bool,
}

/// A spawned piece of the page: its part (for the animation) and its full colour.
#[derive(Component)]
struct PagePiece {
    part: Part,
    colour: Rgb,
    kind: PieceKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PieceKind {
    Fill,
    Text,
    Picture,
}

/// A piece of the page and whichever of its colours it has.
type PieceColours = (
    &'static PagePiece,
    Option<&'static mut BackgroundColor>,
    Option<&'static mut TextColor>,
    Option<&'static mut ImageNode>,
);

/// Seconds between frames of an animated page.
const FRAME_SECONDS: f32 = 0.35;

/// Frames drawn before a screenshot, so fonts and images are on screen; and a hard limit.
const FRAMES_BEFORE_SCREENSHOT: u32 = 20;
const FRAME_LIMIT: u32 = 1_200;

/// The root of the spawned page.
#[derive(Component)]
struct PageRoot;

/// Opens a window showing `relayout`'s page at `width` × `height` (or the whole screen);
/// returns when it closes, or after its screenshot.
pub fn show_page(relayout: Relayout, width: u32, height: u32, window: PageWindow) -> AppExit {
    let layout = relayout(width, height);
    let (width, height) = (layout.width, layout.height);
    let mode = if window.fullscreen {
        WindowMode::BorderlessFullscreen(MonitorSelection::Primary)
    } else {
        WindowMode::Windowed
    };
    let frames = if layout.animation == crate::scenario::model::Animation::Still {
        FRAMES - 1
    } else {
        0
    };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: window.title,
            // One layout pixel is one screen pixel, so the window matches the PNG.
            resolution: WindowResolution::new(width, height).with_scale_factor_override(1.0),
            mode,
            ..default()
        }),
        ..default()
    }))
    .add_plugins(assets::plugin)
    .insert_resource(ClearColor(colour(layout.background, 1.0)))
    .insert_resource(Shown {
        layout,
        relayout,
        frame: frames,
        since: 0.0,
        screenshot: window.screenshot,
        requested: false,
        frames_drawn: 0,
        stale: false,
    })
    .add_systems(Startup, spawn_page)
    .add_systems(
        Update,
        ((fit_to_window, animate_page, take_screenshot).chain(), save_page_on_f12),
    );
    if let Some(watched) = window.watch {
        app.add_plugins(watch::plugin(watched.path, "the page stays as it was"))
            .insert_resource(PageOfSaved(watched.page_of))
            .add_systems(Update, take_saved_scenario.before(fit_to_window));
    }
    app.run()
}

/// F12 saves the window as `screenshots/page.png` (numbered on when taken again) and says where.
fn save_page_on_f12(mut commands: Commands, keys: Res<ButtonInput<KeyCode>>) {
    if !keys.just_pressed(KeyCode::F12) {
        return;
    }
    if let Err(error) = std::fs::create_dir_all("screenshots") {
        eprintln!("cannot save a screenshot: screenshots/: {error}");
        return;
    }
    let path = super::unused_path("screenshots", "page", "png");
    println!("screenshot: {}", path.display());
    commands.spawn(Screenshot::primary_window()).observe(save_to_disk(path));
}

/// Lays out the page of a saved scenario, to be shown from the next frame.
fn take_saved_scenario(
    mut saved: ResMut<SavedScenario>,
    page_of: Res<PageOfSaved>,
    mut shown: ResMut<Shown>,
    mut problems: ResMut<ScenarioProblems>,
    mut clear: ResMut<ClearColor>,
) {
    let Some(scenario) = saved.0.take() else { return };
    match (page_of.0)(scenario) {
        Ok(relayout) => {
            shown.layout = relayout(shown.layout.width, shown.layout.height);
            shown.relayout = relayout;
            shown.stale = true;
            clear.0 = colour(shown.layout.background, 1.0);
        }
        Err(reason) => problems.0 = Some(reason),
    }
}

fn colour(rgb: Rgb, alpha: f32) -> Color {
    let [r, g, b] = rgb.0;
    Color::srgba_u8(r, g, b, (alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

fn spawn_page(
    mut commands: Commands,
    shown: Res<Shown>,
    assets: Res<UiAssets>,
    arts: Res<Assets<ArtAsset>>,
    mut images: ResMut<Assets<Image>>,
) {
    commands.spawn(Camera2d);
    let art = assets::skeleton(&assets, &arts);
    spawn_layout(&mut commands, &shown.layout, &assets, art, &mut images);
}

/// Lays the page out again when the window's size is not the layout's, when its art has been
/// loaded or changed on disk, or when a saved scenario changed it.
#[expect(clippy::too_many_arguments, reason = "a Bevy system names every resource it reads")]
fn fit_to_window(
    mut commands: Commands,
    window: Single<&Window>,
    mut shown: ResMut<Shown>,
    assets: Res<UiAssets>,
    arts: Res<Assets<ArtAsset>>,
    mut art_changes: MessageReader<AssetEvent<ArtAsset>>,
    mut images: ResMut<Assets<Image>>,
    roots: Query<Entity, With<PageRoot>>,
) {
    let (width, height) = (window.resolution.physical_width(), window.resolution.physical_height());
    let art_changed = art_changes
        .read()
        .any(|event| event.is_loaded_with_dependencies(&assets.skeleton) || event.is_modified(&assets.skeleton));
    let resized = width != 0 && height != 0 && (width, height) != (shown.layout.width, shown.layout.height);
    if !resized && !art_changed && !shown.stale {
        return;
    }
    shown.stale = false;
    for root in &roots {
        commands.entity(root).despawn();
    }
    if resized {
        shown.layout = (shown.relayout)(width, height);
    }
    let art = assets::skeleton(&assets, &arts);
    spawn_layout(&mut commands, &shown.layout, &assets, art, &mut images);
}

/// Spawns every item of a layout under one root node.
fn spawn_layout(commands: &mut Commands, layout: &Layout, assets: &UiAssets, art: &Art, images: &mut Assets<Image>) {
    let root = commands
        .spawn((
            Name::new("Warning page"),
            PageRoot,
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                ..default()
            },
            BackgroundColor(colour(layout.background, 1.0)),
        ))
        .id();
    let place = |x: f32, y: f32, width: Option<f32>, height: Option<f32>| Node {
        position_type: PositionType::Absolute,
        left: Val::Px(x),
        top: Val::Px(y),
        width: width.map_or(Val::Auto, Val::Px),
        height: height.map_or(Val::Auto, Val::Px),
        ..default()
    };
    for item in &layout.items {
        let piece = match item {
            Item::Rule {
                x,
                y,
                width,
                height,
                colour: fill,
                part,
            } => commands
                .spawn((
                    place(*x, *y, Some(*width), Some(*height)),
                    BackgroundColor(colour(*fill, 1.0)),
                    PagePiece {
                        part: *part,
                        colour: *fill,
                        kind: PieceKind::Fill,
                    },
                ))
                .id(),
            Item::Text {
                x,
                y,
                size,
                face,
                colour: ink,
                text,
                part,
            } => {
                // The layout gives the baseline; a UI text node is placed by its top.
                let ascent = Fonts::get()
                    .font(*face)
                    .horizontal_line_metrics(*size)
                    .map_or(*size * 0.8, |line| line.ascent);
                let font = assets.font(*face);
                commands
                    .spawn((
                        place(*x, y - ascent, None, None),
                        Text::new(text.clone()),
                        TextFont {
                            font: font.into(),
                            font_size: FontSize::Px(*size),
                            ..default()
                        },
                        TextColor(colour(*ink, 1.0)),
                        PagePiece {
                            part: *part,
                            colour: *ink,
                            kind: PieceKind::Text,
                        },
                    ))
                    .id()
            }
            Item::Picture {
                x,
                y,
                width,
                height,
                picture,
                colour: ink,
                part,
            } => {
                let (pixel_width, pixel_height) = (width.round() as u32, height.round() as u32);
                let Ok(pixels) = picture_pixels(picture, art, pixel_width, pixel_height, *ink, layout.background)
                else {
                    continue;
                };
                let image = Image::new(
                    Extent3d {
                        width: pixel_width.max(1),
                        height: pixel_height.max(1),
                        depth_or_array_layers: 1,
                    },
                    TextureDimension::D2,
                    pixels,
                    TextureFormat::Rgba8UnormSrgb,
                    RenderAssetUsages::default(),
                );
                commands
                    .spawn((
                        place(*x, *y, Some(*width), Some(*height)),
                        ImageNode::new(images.add(image)),
                        PagePiece {
                            part: *part,
                            colour: Rgb([255, 255, 255]),
                            kind: PieceKind::Picture,
                        },
                    ))
                    .id()
            }
        };
        commands.entity(root).add_child(piece);
    }
}

/// Steps the page's animation and applies each part's opacity.
fn animate_page(time: Res<Time>, mut shown: ResMut<Shown>, mut pieces: Query<PieceColours>) {
    shown.frames_drawn += 1;
    shown.since += time.delta_secs();
    if shown.since >= FRAME_SECONDS && shown.frame < FRAMES - 1 {
        shown.since = 0.0;
        shown.frame += 1;
    }
    let (layout, frame) = (&shown.layout, shown.frame);
    for (piece, background, text, image) in &mut pieces {
        let opacity = layout.opacity(piece.part, frame);
        match piece.kind {
            PieceKind::Fill => {
                if let Some(mut background) = background {
                    background.0 = colour(piece.colour, opacity);
                }
            }
            PieceKind::Text => {
                if let Some(mut text) = text {
                    text.0 = colour(piece.colour, opacity);
                }
            }
            PieceKind::Picture => {
                if let Some(mut image) = image {
                    image.color = colour(piece.colour, opacity);
                }
            }
        }
    }
}

/// Once the whole page has been on screen for a few frames, screenshot it and leave.
fn take_screenshot(mut commands: Commands, mut shown: ResMut<Shown>, mut exit: MessageWriter<AppExit>) {
    let Some(path) = shown.screenshot.clone() else { return };
    if shown.frames_drawn > FRAME_LIMIT {
        error!("no screenshot after {FRAME_LIMIT} frames");
        exit.write(AppExit::error());
        return;
    }
    if !shown.requested && shown.frame == FRAMES - 1 && shown.frames_drawn >= FRAMES_BEFORE_SCREENSHOT {
        std::fs::remove_file(&path).ok();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path.clone()));
        shown.requested = true;
        return;
    }
    // The screenshot is written by its observer; leave once the file is complete.
    if shown.requested
        && std::fs::metadata(&path).is_ok_and(|meta| meta.len() > 0)
        && crate::screen::is_png_complete(&path)
    {
        exit.write(AppExit::Success);
    }
}
