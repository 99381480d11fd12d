// Registers every <planship-*> element.
import 'planship-portal';
// Types the elements in markup (svelte/elements): attributes, properties and on<event-name>.
import type {} from 'planship-portal/svelte';
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
