//! What the windows load from `assets/`: the fonts and the page's art, through Bevy's asset
//! server, so a changed file shows without rebuilding. Where the folder is not there (a
//! binary copied elsewhere), the same files built into the binary are used instead.

use std::path::PathBuf;

use bevy::asset::io::Reader;
use bevy::asset::io::file::FileAssetReader;
use bevy::asset::{AssetLoader, LoadContext, RenderAssetUsages};
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use crate::screen::{Art, Face, Fonts};

/// The windows' fonts and art, loaded once.
#[derive(Resource, Clone)]
pub struct UiAssets {
    regular: Handle<Font>,
    bold: Handle<Font>,
    mono: Handle<Font>,
    /// The page's skeleton.
    pub skeleton: Handle<ArtAsset>,
}

impl UiAssets {
    /// A face's font.
    pub fn font(&self, face: Face) -> Handle<Font> {
        match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
            Face::Mono => self.mono.clone(),
        }
    }
}

/// A drawing loaded from a RON file of `assets/art/`.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct ArtAsset(pub Art);

/// Reads `assets/art/*.ron` into drawings.
#[derive(Default, TypePath)]
struct ArtLoader;

/// Why a drawing could not be loaded.
#[derive(Debug, thiserror::Error)]
enum ArtError {
    #[error("cannot read the drawing: {0}")]
    Read(#[from] std::io::Error),
    #[error("the drawing does not parse: {0}")]
    Parse(String),
}

impl AssetLoader for ArtLoader {
    type Asset = ArtAsset;
    type Settings = ();
    type Error = ArtError;

    async fn load(&self, reader: &mut dyn Reader, _: &(), _: &mut LoadContext<'_>) -> Result<ArtAsset, ArtError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let text = String::from_utf8_lossy(&bytes);
        Art::parse(&text).map(ArtAsset).map_err(ArtError::Parse)
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

/// The `assets/` folder Bevy reads, if it holds redscreen's assets.
pub fn assets_folder() -> Option<PathBuf> {
    let folder = FileAssetReader::get_base_path().join("assets");
    folder
        .join(Fonts::asset_path(Face::Regular))
        .is_file()
        .then_some(folder)
}

/// Registers the art loader and loads the fonts and art: from `assets/` when it is there,
/// otherwise from the copies built into the binary.
pub fn plugin(app: &mut App) {
    app.init_asset::<ArtAsset>().init_asset_loader::<ArtLoader>();
    let from_folder = assets_folder().is_some();
    let world = app.world_mut();
    let assets = match from_folder {
        true => {
            let server = world.resource::<AssetServer>();
            UiAssets {
                regular: server.load(Fonts::asset_path(Face::Regular)),
                bold: server.load(Fonts::asset_path(Face::Bold)),
                mono: server.load(Fonts::asset_path(Face::Mono)),
                skeleton: server.load("art/skeleton.ron"),
            }
        }
        false => {
            let mut fonts = world.resource_mut::<Assets<Font>>();
            let mut add = |face| fonts.add(Font::from_bytes(Fonts::bytes(face).to_vec()));
            let (regular, bold, mono) = (add(Face::Regular), add(Face::Bold), add(Face::Mono));
            let skeleton = world
                .resource_mut::<Assets<ArtAsset>>()
                .add(ArtAsset(Art::skeleton().clone()));
            UiAssets {
                regular,
                bold,
                mono,
                skeleton,
            }
        }
    };
    app.insert_resource(assets);
}

/// The skeleton as loaded, or as built in until it is.
pub fn skeleton<'a>(assets: &UiAssets, arts: &'a Assets<ArtAsset>) -> &'a Art {
    arts.get(&assets.skeleton).map_or(Art::skeleton(), |loaded| &loaded.0)
}

/// An RGBA texture made from pixels, drawn without smoothing so that zoomed cells stay sharp.
pub fn texture(width: u32, height: u32, pixels: Vec<u8>) -> Image {
    let mut image = Image::new(
        Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        pixels,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::default(),
    );
    image.sampler = ImageSampler::nearest();
    image
}

/// A blank texture of a size, to be painted later.
pub fn blank(width: u32, height: u32) -> Image {
    texture(width, height, vec![0; (width * height * 4) as usize])
}
